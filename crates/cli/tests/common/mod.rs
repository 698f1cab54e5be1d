//! Running the `deflect` binary in the CLI's tests: a command to completion, and `deflect
//! serve` on a free port until the test ends.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// `deflect args…` with `stdin`, DEFLECT_DATABASE_URL set to `env_url` (or unset).
pub fn deflect(args: &[&str], env_url: Option<&str>, stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deflect"));
    command.args(args).env_remove("DEFLECT_DATABASE_URL");
    if let Some(url) = env_url {
        command.env("DEFLECT_DATABASE_URL", url);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The command's standard output, trimmed; a failure fails the test with what it said.
pub fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `deflect serve`, killed when dropped (also when the test fails).
pub struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `deflect serve --port 0 args…`; it and its base URL once it serves.
pub fn serve<S: AsRef<OsStr>>(args: &[S]) -> (Serving, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deflect"))
        .args(["serve", "--port", "0"])
        .args(args)
        .env_remove("DEFLECT_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let serving = Serving(child);
    for line in lines.by_ref() {
        if let Some(rest) = line.unwrap().split("demo site: ").nth(1) {
            let base = rest.trim().trim_end_matches('/').to_owned();
            std::thread::spawn(move || lines.for_each(drop));
            return (serving, base);
        }
    }
    panic!("deflect serve exited before printing its address");
}

/// Copies a folder tree, e.g. the sample KB into a test's own folder.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
