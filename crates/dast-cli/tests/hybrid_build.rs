//! `dast build --mode=hybrid`: machine code for the modules the `hybrid` profile (or
//! `--native`) names, bytecode for the others, in `target/hybrid/`; the same artifacts
//! whether the modes come from `dast.toml` or from the flags; clear errors for bad
//! flags.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{copy_dir, dast, text};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hybrid")
}

/// A copy of the example's sources in a fresh directory, with `manifest` as its
/// `dast.toml` (removed on drop).
struct Project(PathBuf);

impl Project {
    fn with_manifest(tag: &str, manifest: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("dast-hybrid-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&example().join("src"), &dir.join("src"));
        std::fs::write(dir.join("dast.toml"), manifest).unwrap();
        Project(dir)
    }

    /// File name -> contents of every artifact in `target/hybrid` (hidden files are
    /// build bookkeeping).
    fn artifacts(&self) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(self.0.join("target/hybrid"))
            .expect("target/hybrid")
            .map(|e| e.unwrap())
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const PLAIN: &str = "[package]\nname = \"hybrid\"\n";

#[test]
fn the_profile_and_the_flags_give_the_same_artifacts() {
    // One directory for both builds: the artifacts record their source paths.
    let manifest = std::fs::read_to_string(example().join("dast.toml")).unwrap();
    let by_profile = Project::with_manifest("same", &manifest);
    let out = dast(&["build", "--mode=hybrid"], &by_profile.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let a = by_profile.artifacts();
    drop(by_profile);
    let by_flags = Project::with_manifest("same", PLAIN);
    let out = dast(
        &[
            "build",
            "--mode=hybrid",
            "--native=core",
            "--bytecode=plugins/*,main",
        ],
        &by_flags.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let b = by_flags.artifacts();
    let names: Vec<&str> = a.keys().map(String::as_str).collect();
    assert_eq!(names, ["libcore.so", "main.dbc", "plugins.greeter.dbc"]);
    assert_eq!(
        b.keys().collect::<Vec<_>>(),
        a.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (name, bytes) in &a {
        assert!(b[name] == *bytes, "{name} differs between the two builds");
    }
}

#[test]
fn a_folder_flag_covers_its_modules_and_overrides_the_profile() {
    let manifest = std::fs::read_to_string(example().join("dast.toml")).unwrap();
    let project = Project::with_manifest("folder", &manifest);
    let out = dast(
        &[
            "build",
            "--mode=hybrid",
            "--native=plugins",
            "--bytecode=core",
        ],
        &project.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names: Vec<String> = project.artifacts().into_keys().collect();
    assert_eq!(names, ["core.dbc", "libplugins.greeter.so", "main.dbc"]);
}

#[test]
fn bad_flags_are_refused_with_a_clear_error() {
    let project = Project::with_manifest("bad", PLAIN);
    let cases: [(&[&str], &str); 3] = [
        (
            &["build", "--mode=hybrid", "--native=core,render"],
            "`render` names no module of this program (modules: core, main, plugins.greeter)",
        ),
        (
            &["build", "--mode=hybrid", "--native=core", "--bytecode=core"],
            "module `core` is named by both `--native` and `--bytecode`",
        ),
        (
            &["build", "--native=core"],
            "`--native` and `--bytecode` choose modules' modes in `--mode=hybrid`",
        ),
    ];
    for (args, message) in cases {
        let out = dast(args, &project.0);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn a_bad_manifest_is_refused_naming_the_key_and_line() {
    let project = Project::with_manifest(
        "manifest",
        "[package]\nname = \"hybrid\"\n\n[profile.hybrid.module.core]\nbytecode = \"no\"\n",
    );
    let out = dast(&["build", "--mode=hybrid"], &project.0);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("dast.toml:5"), "{stderr}");
    assert!(stderr.contains("bool"), "{stderr}");
}
