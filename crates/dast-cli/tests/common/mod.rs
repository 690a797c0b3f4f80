//! What the CLI's end-to-end tests share: running `dast`, copies of projects in
//! temporary directories, and a running `dast` whose output is read as it comes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `dast ARGS PATH`, run to completion.
pub fn dast(args: &[&str], path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dast"))
        .args(args)
        .arg(path)
        .output()
        .expect("run dast")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of a directory (without `target/`) in a fresh temporary directory, removed
/// on drop.
pub struct TempCopy(pub PathBuf);

impl TempCopy {
    pub fn of(from: &Path, tag: &str) -> TempCopy {
        let to = Self::empty(tag);
        copy_dir(from, &to.0);
        to
    }

    /// A fresh empty directory.
    pub fn empty(tag: &str) -> TempCopy {
        let to = std::env::temp_dir().join(format!("dast-cli-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&to);
        std::fs::create_dir_all(&to).unwrap();
        TempCopy(to)
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != "target" {
                copy_dir(&e.path(), &target);
            }
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A `dast` process left running; its stdout and stderr are collected as they come.
pub struct Running {
    child: Child,
    pub out: Arc<Mutex<String>>,
    pub err: Arc<Mutex<String>>,
}

impl Running {
    pub fn start(args: &[&str], dir: &Path) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dast"))
            .args(args)
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dast");
        let out = collect(child.stdout.take().unwrap());
        let err = collect(child.stderr.take().unwrap());
        Running { child, out, err }
    }

    /// Waits until stdout (or stderr) contains `text` after byte `from`; returns the
    /// end of the match.
    pub fn wait_for(&self, stderr: bool, text: &str, from: usize) -> usize {
        let buf = if stderr { &self.err } else { &self.out };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = buf.lock().unwrap().clone();
            if let Some(i) = s.get(from..).and_then(|t| t.find(text)) {
                return from + i + text.len();
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}\nstdout:\n{}\nstderr:\n{}",
                self.out.lock().unwrap(),
                self.err.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stdout_len(&self) -> usize {
        self.out.lock().unwrap().len()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(r: impl std::io::Read + Send + 'static) -> Arc<Mutex<String>> {
    let buf = Arc::new(Mutex::new(String::new()));
    let b = buf.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            let mut s = b.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
    buf
}
