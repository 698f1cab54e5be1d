//! The compiled KB the inbox checks tickets against: the same bundle the widget
//! downloaded, so the server's rules, routing and bot lines are the widget's, run
//! natively. `deflect serve` takes it from the site it serves (`manifest.json` names
//! `kb.<hash>.bin`) or from `--kb DIR` compiled at start.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use deflect_engine::conversation::{self, BotLines, Verdict};
use deflect_engine::model::Settings;
use deflect_engine::ticket::Ticket;
use deflect_engine::{Bundle, Engine};

/// Why no KB could be loaded for checking tickets.
#[derive(Debug, thiserror::Error)]
pub enum ServerKbError {
    /// The site's manifest or its bundle could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The manifest does not name a bundle (`"index": "kb.<hash>.bin"`).
    #[error("{}: no \"index\" naming the KB bundle", path.display())]
    NoIndex { path: PathBuf },
    /// The bytes are not a bundle this engine reads.
    #[error("KB bundle: {0}")]
    Bundle(#[from] deflect_engine::Error),
}

/// A KB opened once and shared by every request; cheap to clone.
#[derive(Clone)]
pub struct ServerKb(Arc<Inner>);

struct Inner {
    version: String,
    /// The engine keeps per-call scratch space, so one request uses it at a time; a
    /// check takes microseconds.
    engine: Mutex<Engine>,
    bot_lines: BotLines,
    /// `kb/settings.toml` as compiled: the brand and response times the relay's
    /// emails quote.
    settings: Settings,
    /// Every article's id and title, for the inbox's resolve form.
    articles: Vec<(String, String)>,
}

impl fmt::Debug for ServerKb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerKb({})", self.0.version)
    }
}

impl ServerKb {
    /// A KB from bundle bytes (`kb.<hash>.bin`, or `deflect_compile` output encoded).
    pub fn open(bundle_bytes: &[u8]) -> Result<Self, ServerKbError> {
        Self::from_bundle(Bundle::decode(bundle_bytes)?)
    }

    /// A KB already compiled in memory.
    pub fn from_bundle(bundle: Bundle) -> Result<Self, ServerKbError> {
        Ok(Self::from_engine(Engine::from_bundle(bundle)?))
    }

    fn from_engine(engine: Engine) -> Self {
        Self(Arc::new(Inner {
            version: engine.kb().version.clone(),
            settings: engine.kb().settings.clone(),
            articles: engine
                .kb()
                .articles
                .iter()
                .map(|a| (a.id.clone(), a.title.clone()))
                .collect(),
            bot_lines: BotLines::new(&engine),
            engine: Mutex::new(engine),
        }))
    }

    /// The KB a built site serves to its widgets: the bundle its `manifest.json` names.
    pub fn from_site(site: &Path) -> Result<Self, ServerKbError> {
        let path = site.join("manifest.json");
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| ServerKbError::Read {
                path: path.to_owned(),
                source,
            })
        };
        let manifest: serde_json::Value = serde_json::from_slice(&read(&path)?).unwrap_or_default();
        let index = manifest["index"]
            .as_str()
            .filter(|name| !name.contains(['/', '\\']))
            .ok_or(ServerKbError::NoIndex { path: path.clone() })?;
        let mut engine = Engine::open(&read(&site.join(index))?)?;
        // A very large KB's postings are in shards the widget fetches as needed; the
        // server reads them all.
        let shards = manifest["postings"].as_str().unwrap_or_default();
        if !shards.contains("..") {
            for name in engine.pending_shards() {
                let bytes = read(&site.join(shards).join(&name))?;
                engine.add_shard(&name, &bytes)?;
            }
        }
        Ok(Self::from_engine(engine))
    }

    /// The KB's content hash (tickets carry the one their widget used).
    pub fn version(&self) -> &str {
        &self.0.version
    }

    /// The KB's settings (`kb/settings.toml`).
    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// Every article's id and title, in the KB's order.
    pub fn articles(&self) -> &[(String, String)] {
        &self.0.articles
    }

    /// The handoff `ticket`'s transcript leads to with `tier`, and the indexes of the
    /// lines it says the bot said that the bot cannot say.
    pub(crate) fn replay(&self, ticket: &Ticket, tier: Option<&str>) -> (Verdict, Vec<usize>) {
        let engine = self.0.engine.lock().unwrap_or_else(PoisonError::into_inner);
        let verdict = conversation::replay(&engine, &self.0.bot_lines, ticket, tier);
        let unverified = ticket
            .transcript
            .iter()
            .enumerate()
            .filter(|(_, m)| m.from == deflect_engine::ticket::Author::Bot)
            .filter(|(_, m)| self.0.bot_lines.classify(&m.text, ticket).is_none())
            .map(|(i, _)| i)
            .collect();
        (verdict, unverified)
    }
}
