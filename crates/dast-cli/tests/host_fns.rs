//! `dast run` provides no host functions: a program declaring one is refused at start,
//! with the declaration, in every mode (not at its first call).

use std::process::Command;

#[test]
fn a_host_fn_is_refused_at_start_in_every_mode() {
    let dir = std::env::temp_dir().join(format!("dast-cli-host-fn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("app.dast");
    std::fs::write(
        &file,
        "host fn rect(x: f32, y: f32)\nfn main() {\n    println(\"before\")\n    rect(1.0, 2.0)\n}\n",
    )
    .unwrap();
    for mode in ["--mode=dev", "--mode=release", "--mode=hybrid"] {
        let out = Command::new(env!("CARGO_BIN_EXE_dast"))
            .args(["run", mode])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{mode}: {stderr}");
        assert!(
            stderr.contains("module `app` declares `host fn rect(f32, f32) -> ()`, but the host provides no `app.rect`"),
            "{mode}: {stderr}"
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("before"),
            "{mode}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
