//! Watching a source folder for changed `.dast` files (debounced), reporting a file only
//! when its text differs from the text last handed out: saving a file back to an
//! earlier text is a change like any other, but a file whose reload was refused is not
//! reported again until its text changes again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

/// How long the watcher waits for a burst of writes (an editor's save) to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

pub struct SourceWatcher {
    rx: Receiver<DebounceEventResult>,
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    /// The text of each file as last reported (or as first loaded).
    last_text: HashMap<PathBuf, String>,
}

impl SourceWatcher {
    /// Watches `dir` recursively; `initial` is the text of each file as compiled at start.
    pub fn new(dir: &Path, initial: HashMap<PathBuf, String>) -> Result<SourceWatcher, String> {
        let (tx, rx) = channel();
        let mut debouncer =
            new_debouncer(DEBOUNCE, None, tx).map_err(|e| format!("cannot watch files: {e}"))?;
        debouncer
            .watch(dir, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", dir.display()))?;
        let last_text = initial
            .into_iter()
            .map(|(p, t)| (canonical(&p), t))
            .collect();
        Ok(SourceWatcher {
            rx,
            _debouncer: debouncer,
            last_text,
        })
    }

    /// Changed `.dast` files, waiting up to `timeout` for the first event.
    pub fn changes(&mut self, timeout: Duration) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        match self.rx.recv_timeout(timeout) {
            Ok(batch) => collect_paths(batch, &mut paths),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return Vec::new(),
        }
        while let Ok(batch) = self.rx.try_recv() {
            collect_paths(batch, &mut paths);
        }
        paths.sort();
        paths.dedup();
        paths.into_iter().filter(|p| self.text_changed(p)).collect()
    }

    /// Whether `path`'s text differs from the last text seen; records the new text.
    fn text_changed(&mut self, path: &Path) -> bool {
        let Ok(text) = std::fs::read_to_string(path) else {
            return false;
        };
        let key = canonical(path);
        if self.last_text.get(&key) == Some(&text) {
            return false;
        }
        self.last_text.insert(key, text);
        true
    }
}

fn collect_paths(batch: DebounceEventResult, out: &mut Vec<PathBuf>) {
    let Ok(events) = batch else { return };
    for e in events {
        for p in &e.paths {
            if p.extension().is_some_and(|x| x == "dast") {
                out.push(p.clone());
            }
        }
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_changed_text_once_and_reverts() {
        let dir = std::env::temp_dir().join(format!("dast-watch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("m.dast");
        std::fs::write(&file, "v1").unwrap();
        let mut w =
            SourceWatcher::new(&dir, HashMap::from([(file.clone(), "v1".to_string())])).unwrap();
        std::fs::write(&file, "v2").unwrap();
        let got = wait_for(&mut w);
        assert_eq!(got.len(), 1, "{got:?}");
        // The same text again is not a change; going back to v1 is.
        std::fs::write(&file, "v2").unwrap();
        assert!(w.changes(Duration::from_millis(300)).is_empty());
        std::fs::write(&file, "v1").unwrap();
        assert_eq!(wait_for(&mut w).len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn wait_for(w: &mut SourceWatcher) -> Vec<PathBuf> {
        for _ in 0..50 {
            let c = w.changes(Duration::from_millis(100));
            if !c.is_empty() {
                return c;
            }
        }
        Vec::new()
    }
}
