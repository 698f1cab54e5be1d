//! A real PostgreSQL for tests: Debian's server binaries (`apt-get install postgresql`)
//! run a cluster in a temporary data directory, on 127.0.0.1 at a free port and on a
//! unix socket in that directory, with trust authentication. It is stopped when the
//! [`TempPostgres`] is dropped, which also happens when the test panics.
//!
//! Missing binaries fail the test with how to install them: a store test that skipped
//! PostgreSQL silently would pass without testing it. As root (CI), the cluster runs as
//! the `postgres` user the Debian package creates, since `initdb` refuses root.
//!
//! Also compiled into `deflect`'s CLI tests (`#[path]`), so it uses only std and
//! `tempfile`; each test binary uses a part of it.

#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A running PostgreSQL cluster of its own; dropped, it stops and its files go.
pub struct TempPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Root runs the server binaries as this user (uid, gid).
    owner: Option<(u32, u32)>,
}

const INSTALL: &str = "PostgreSQL's server binaries (initdb, pg_ctl, postgres) are needed by the store tests: \
     install them with `apt-get install postgresql` (Debian/Ubuntu; scripts/lib.sh's \
     ensure_postgres does it), or put their folder's pg_config on PATH";

impl TempPostgres {
    /// Creates and starts a cluster. Panics (failing the test) with how to install
    /// PostgreSQL when its binaries are missing, or with the server's log when it
    /// does not start.
    pub fn start() -> Self {
        let bin = server_bindir().unwrap_or_else(|| panic!("{INSTALL}"));
        let dir = tempfile::Builder::new()
            .prefix("deflect-pg")
            .tempdir()
            .expect("temporary directory");
        let owner = running_as_root().then(postgres_user);
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown data dir");
        }
        let mut pg = Self {
            dir,
            bin,
            port: 0,
            owner,
        };
        pg.run(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        // A free port can be taken between asking and binding: try a few.
        for _ in 0..5 {
            pg.port = free_port();
            if pg.try_start() {
                return pg;
            }
        }
        let log = std::fs::read_to_string(pg.dir.path().join("server.log")).unwrap_or_default();
        panic!("PostgreSQL did not start; its log:\n{log}");
    }

    /// The URL of database `postgres` as the superuser, over TCP.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of database `name` (see [`TempPostgres::create_database`]).
    pub fn url_of(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates an empty database `name` and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        let port = self.port.to_string();
        let args = ["-h", "127.0.0.1", "-p", &port, "-U", "postgres", name];
        self.run("createdb", &args);
        self.url_of(name)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn try_start(&self) -> bool {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        let data = self.data();
        let args = [
            "start", "-w", "-t", "60", "-D", &data, "-l", &log, "-o", &options,
        ];
        self.output("pg_ctl", &args).status.success()
    }

    /// Runs one of the server's binaries, as the `postgres` user when we are root;
    /// panics with its output when it fails.
    fn run(&self, tool: &str, args: &[&str]) {
        let out = self.output(tool, args);
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn output(&self, tool: &str, args: &[&str]) -> Output {
        let path = self.bin.join(tool);
        let mut command = match self.owner {
            Some(_) => {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", path.display()))
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        // Immediate: no checkpoint, the files are deleted next anyway.
        let data = self.data();
        let _ = self.output("pg_ctl", &["stop", "-w", "-m", "immediate", "-D", &data]);
    }
}

/// The folder of `initdb`, `pg_ctl` and `postgres`: what `pg_config --bindir` says,
/// else the newest of Debian's /usr/lib/postgresql/*/bin.
fn server_bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let configured = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    if let Some(dir) = configured.filter(|d| has_server(d)) {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_server(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The `postgres` user's uid and gid, from /etc/passwd (the Debian package makes it).
fn postgres_user() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&"postgres") && fields.len() > 3)
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        })
        .unwrap_or_else(|| panic!("running as root but there is no postgres user: {INSTALL}"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}
