//! A reader that goes away (`dast ... | head -1`) ends `dast` quietly with status 141
//! (128 + SIGPIPE), never with a panic (101), and never leaves a program running
//! for nobody.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::TempCopy;

const EXIT_BROKEN_PIPE: i32 = 141;

/// Waits for `child` at most `limit`; kills it and fails if it is still running.
fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dast still running {limit:?} after its reader went away");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads one line from `r`, then drops it (closing the pipe).
fn read_one_line(r: impl Read) -> String {
    let mut line = String::new();
    BufReader::new(r).read_line(&mut line).unwrap();
    line
}

#[test]
fn check_with_many_errors_into_a_closed_pipe() {
    let dir = TempCopy::empty("pipe-check");
    let file = dir.0.join("bad.dast");
    // Far more diagnostics than a pipe holds (64 KiB).
    let mut src = String::new();
    for i in 0..2000 {
        src.push_str(&format!("fn f{i}() -> i32 {{ \"not a number\" }}\n"));
    }
    src.push_str("fn main() {}\n");
    std::fs::write(&file, src).unwrap();
    // `dast check bad.dast 2>&1 | head -1`: the diagnostics go to stderr.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dast"))
        .arg("check")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let first = read_one_line(child.stderr.take().unwrap());
    assert!(first.starts_with("error[E"), "{first}");
    let status = wait_at_most(&mut child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(EXIT_BROKEN_PIPE), "{status:?}");
}

#[test]
fn run_of_a_loud_program_into_a_closed_pipe() {
    let dir = TempCopy::empty("pipe-run");
    let file = dir.0.join("loud.dast");
    // It never stops by itself: only the closed pipe can end it.
    std::fs::write(
        &file,
        "fn main() {\n    let mut i = 0\n    loop {\n        println(\"line {}\", i)\n        i += 1\n    }\n}\n",
    )
    .unwrap();
    for args in [&["run"][..], &["run", "--hot-reload"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dast"))
            .args(args)
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let first = read_one_line(child.stdout.take().unwrap());
        assert_eq!(first, "line 0\n");
        let status = wait_at_most(&mut child, Duration::from_secs(30));
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(EXIT_BROKEN_PIPE), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}
