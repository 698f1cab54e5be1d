//! The server config file (`deflect serve --config deflect.toml`): what a deployment
//! sets once and reviews like code — where tickets are relayed — with every secret
//! named by the environment variable that holds it, never written in the file. A
//! mistake stops the server at start with the file, line and setting.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::relay::config::{ConfigError, RelayConfig};

/// Why the config file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    /// The file cannot be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not TOML, or a setting that does not exist or has the wrong type. The line's
    /// text is not quoted: it may hold a secret typed where it must not be.
    #[error("{path}, line {line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The settings are valid TOML but do not work together.
    #[error("{path}: {source}")]
    Invalid { path: PathBuf, source: ConfigError },
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Where tickets are delivered: `[relay.smtp]`, `[[relay.email]]`,
    /// `[[relay.webhook]]`, `[relay.confirmation]`, `[relay.retry]`.
    #[serde(default)]
    pub relay: RelayConfig,
}

impl ServerConfig {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|err| match err {
            Unusable::Toml(source) => ConfigFileError::Parse {
                path: path.to_owned(),
                line: line_of(&text, &source),
                message: source.message().to_owned(),
            },
            Unusable::Settings(source) => ConfigFileError::Invalid {
                path: path.to_owned(),
                source,
            },
        })
    }

    /// Parses and checks the file's text.
    fn parse(text: &str) -> Result<Self, Unusable> {
        let config: Self = toml::from_str(text).map_err(Unusable::Toml)?;
        config.relay.validate().map_err(Unusable::Settings)?;
        Ok(config)
    }
}

/// The 1-based line where `error` starts.
fn line_of(text: &str, error: &toml::de::Error) -> usize {
    let start = error.span().map_or(0, |span| span.start).min(text.len());
    text.as_bytes()[..start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

enum Unusable {
    Toml(toml::de::Error),
    Settings(ConfigError),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error `load` reports for a file holding `text`.
    fn error_of(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deflect.toml");
        std::fs::write(&path, text).unwrap();
        match ServerConfig::load(&path) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("# deflect.toml")
            .expect("README has a deflect.toml example");
        let end = start + readme[start..].find("```").expect("example ends");
        let config = ServerConfig::parse(&readme[start..end])
            .unwrap_or_else(|_| panic!("README example is invalid"));
        assert!(!config.relay.is_empty());
    }

    #[test]
    fn a_secret_written_in_the_file_is_refused_with_the_way_out() {
        let text = "[relay.smtp]\nhost = \"smtp.example\"\nfrom = \"a@b.example\"\npassword = \"hunter2\"\n";
        let error = error_of(text);
        assert!(error.contains("password_env"), "{error}");
        assert!(error.contains("line 4"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn mistakes_name_the_setting() {
        let no_smtp = "[[relay.email]]\nname = \"desk\"\nto = \"help@desk.example\"\n";
        assert!(error_of(no_smtp).contains("[relay.smtp]"));
        let twice = "[[relay.webhook]]\nname = \"a\"\nurl = \"https://x.example\"\nformat = \"slack\"\n\
                     [[relay.webhook]]\nname = \"a\"\nurl = \"https://y.example\"\nformat = \"slack\"\n";
        assert!(error_of(twice).contains("two destinations are named \"a\""));
        let unsigned = "[[relay.webhook]]\nname = \"zap\"\nurl = \"https://x.example\"\n";
        assert!(error_of(unsigned).contains("secret_env"));
    }
}
