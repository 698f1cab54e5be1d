//! `deflect agent` and `deflect token`: who may read the inbox. Accounts and tokens
//! live in the inbox's database, so they are managed where the server runs, never over
//! HTTP.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use deflect_server::Store;
use deflect_server::auth::MIN_PASSWORD_CHARS;

/// The inbox database, as `deflect serve` opens it.
pub const DEFAULT_DB: &str = ".deflect/inbox.sqlite";

#[derive(Subcommand)]
pub enum AgentCommand {
    /// Add an agent who logs in to /inbox with EMAIL and a password (asked for on the
    /// terminal, or read from standard input with --password-stdin).
    Add {
        email: String,
        /// The name shown for the agent.
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// List the agents, one per line: email, then name.
    List {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Remove an agent; their sessions end at once.
    Remove {
        email: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make an API token for a machine reading the inbox (Authorization: Bearer
    /// <token>); it is printed once and only its hash is kept.
    Create {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// List the tokens by name, with when each was made and last used.
    List {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Revoke a token: it is refused from now on.
    Revoke {
        name: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// Where the inbox's database is, for `deflect serve`, `deflect agent` and `deflect
/// token` alike: the SQLite file `--db`, unless `--database` (or DEFLECT_DATABASE_URL)
/// names a PostgreSQL URL or another file.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// The SQLite file, when --database is not given.
    #[arg(long, default_value = DEFAULT_DB)]
    db: PathBuf,
    /// A PostgreSQL URL (postgres://user:password@host:5432/deflect) so several `deflect
    /// serve` behind a load balancer share one database; a path means a SQLite file.
    #[arg(long, env = "DEFLECT_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
}

impl DatabaseArgs {
    /// Opens (creating if needed) the inbox database.
    pub fn open(&self) -> Result<Store, String> {
        match self.database.as_deref() {
            Some(url) if Store::is_postgres_url(url) => {
                Store::open_postgres(url).map_err(|e| e.to_string())
            }
            Some(path) => open_file(Path::new(path)),
            None => open_file(&self.db),
        }
    }

    /// Opens the inbox database, which must exist already (a reader such as `deflect
    /// learn` given a mistyped path must not create an empty inbox and learn nothing).
    pub fn open_existing(&self) -> Result<Store, String> {
        let file = match self.database.as_deref() {
            Some(url) if Store::is_postgres_url(url) => None,
            Some(path) => Some(Path::new(path)),
            None => Some(self.db.as_path()),
        };
        match file {
            Some(path) if !path.exists() => Err(format!(
                "{}: no inbox database there (give the one `deflect serve` uses with --database)",
                path.display()
            )),
            _ => self.open(),
        }
    }

    /// The flag that names this database again, for hints (never a URL's password:
    /// the URL is left to the environment or the operator's shell history).
    pub fn flag(&self) -> String {
        match self.database.as_deref() {
            Some(url) if Store::is_postgres_url(url) => "--database <the same URL>".into(),
            Some(path) => format!("--database {path}"),
            None => format!("--db {}", self.db.display()),
        }
    }
}

/// Opens (creating it and its folder if needed) the SQLite file at `db`.
fn open_file(db: &Path) -> Result<Store, String> {
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    Store::open(db).map_err(|e| format!("{}: {e}", db.display()))
}

pub fn agent(command: AgentCommand) -> Result<(), String> {
    match command {
        AgentCommand::Add {
            email,
            name,
            password_stdin,
            db,
        } => {
            let password = read_password(&email, password_stdin)?;
            let added = db
                .open()?
                .add_agent(&email, name.as_deref(), &password)
                .map_err(|e| e.to_string())?;
            eprintln!("added agent {}; they log in at /inbox", added.email);
            Ok(())
        }
        AgentCommand::List { db } => {
            let agents = db.open()?.agents().map_err(|e| e.to_string())?;
            if agents.is_empty() {
                eprintln!("no agents yet: deflect agent add EMAIL");
            }
            for agent in agents {
                println!("{}\t{}", agent.email, agent.name.unwrap_or_default());
            }
            Ok(())
        }
        AgentCommand::Remove { email, db } => {
            db.open()?.remove_agent(&email).map_err(|e| e.to_string())?;
            eprintln!("removed agent {email}; their sessions have ended");
            Ok(())
        }
    }
}

pub fn token(command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Create { name, db } => {
            let token = db.open()?.create_token(&name).map_err(|e| e.to_string())?;
            // The token alone on stdout, so scripts can capture it.
            println!("{token}");
            eprintln!(
                "token {name} created: send it as Authorization: Bearer <token>; it is not shown again"
            );
            Ok(())
        }
        TokenCommand::List { db } => {
            let tokens = db.open()?.tokens().map_err(|e| e.to_string())?;
            if tokens.is_empty() {
                eprintln!("no tokens yet: deflect token create --name NAME");
            }
            for token in tokens {
                let used = token.last_used_at_ms.map_or("never used".to_owned(), |ms| {
                    format!("last used {}", deflect_server::format_time(ms))
                });
                println!(
                    "{}\tcreated {}\t{used}",
                    token.name,
                    deflect_server::format_time(token.created_at_ms)
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { name, db } => {
            db.open()?.revoke_token(&name).map_err(|e| e.to_string())?;
            eprintln!("token {name} revoked");
            Ok(())
        }
    }
}

/// The new agent's password: from standard input's first line, or asked twice on the
/// terminal without echo.
fn read_password(email: &str, from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("could not read the password from standard input: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let prompt = format!("Password for {email} (at least {MIN_PASSWORD_CHARS} characters): ");
    let password = rpassword::prompt_password(prompt).map_err(|e| {
        format!("could not read a password from the terminal ({e}); use --password-stdin")
    })?;
    let again = rpassword::prompt_password("Same password again: ").map_err(|e| e.to_string())?;
    if password != again {
        return Err("the passwords differ; nothing was changed".into());
    }
    Ok(password)
}
