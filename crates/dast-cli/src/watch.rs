//! Watching a source folder for changed `.dast` files (debounced), reporting a file only
//! when its text differs from the text last handed out: saving a file back to an
//! earlier text is a change like any other, but a file whose reload was refused is not
//! reported again until its text changes again.
//!
//! A file that is empty or does not parse is held back: editors save by truncating then
//! writing, and some write in several steps, so such a text is usually a file caught
//! mid-save. It is reported only once it parses, or once the same unparseable text has
//! stayed for [`SETTLE`] (the user saved broken code: the reload is then refused with
//! the diagnostics). An empty file is never reported: an empty save changes nothing
//! until the file gets text again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

/// How long the watcher waits for a burst of writes (an editor's save) to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// How long a text that does not parse must stay unchanged before it is reported (and
/// its reload refused with the syntax errors). Documented in docs/decisions.md.
pub const SETTLE: Duration = Duration::from_millis(750);

/// What the watcher saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WatchEvent {
    /// The file has new text to reload: it parses, or it has stayed unparseable for
    /// [`SETTLE`].
    Changed(PathBuf),
    /// The file has new text that is empty or does not parse; it is held back.
    /// `why`: `empty`, `1 syntax error`...
    Waiting { path: PathBuf, why: String },
    /// The file stayed empty for [`SETTLE`]: it is ignored until it changes again.
    StillEmpty(PathBuf),
}

/// A text held back: empty or not parsing.
struct Held {
    text: String,
    /// When this text was first seen.
    since: Instant,
    empty: bool,
    /// An empty text whose [`WatchEvent::StillEmpty`] was given.
    told: bool,
}

pub struct SourceWatcher {
    rx: Receiver<DebounceEventResult>,
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    /// The text of each file as last reported (or as first loaded).
    last_text: HashMap<PathBuf, String>,
    /// Files whose new text is held back, by canonical path.
    held: HashMap<PathBuf, Held>,
    settle: Duration,
    /// Texts of files first read after the watcher started (modules a program loads
    /// at run time), by canonical path: their first event compares against these.
    known: Known,
}

/// Texts other parts of the program read, shared with the watcher (see
/// [`SourceWatcher::known`]).
pub type Known = std::sync::Arc<std::sync::Mutex<HashMap<PathBuf, String>>>;

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
            held: HashMap::new(),
            settle: SETTLE,
            known: Known::default(),
        })
    }

    /// Where to record the text of a file read after the watcher started, so that its
    /// first event is a change only if the text differs from it.
    pub fn known(&self) -> Known {
        self.known.clone()
    }

    /// What happened to `.dast` files, waiting up to `timeout` for the first event (less
    /// when a held-back text's settle period ends sooner).
    pub fn changes(&mut self, timeout: Duration) -> Vec<WatchEvent> {
        let now = Instant::now();
        let wait = self
            .held
            .values()
            .filter(|h| !h.told)
            .map(|h| (h.since + self.settle).saturating_duration_since(now))
            .fold(timeout, Duration::min);
        let mut paths = Vec::new();
        match self.rx.recv_timeout(wait) {
            Ok(batch) => collect_paths(batch, &mut paths),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
        }
        while let Ok(batch) = self.rx.try_recv() {
            collect_paths(batch, &mut paths);
        }
        paths.sort();
        paths.dedup();
        let mut events: Vec<WatchEvent> = paths.iter().filter_map(|p| self.look_at(p)).collect();
        events.extend(self.settled());
        events
    }

    /// The event for a file the notifier reported, if any.
    fn look_at(&mut self, path: &Path) -> Option<WatchEvent> {
        let text = std::fs::read_to_string(path).ok()?;
        let key = canonical(path);
        if !self.last_text.contains_key(&key) {
            let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(t) = known.get(&key) {
                self.last_text.insert(key.clone(), t.clone());
            }
        }
        if self.last_text.get(&key) == Some(&text) {
            // Back to the text last reported (an empty save, then the same text).
            self.held.remove(&key);
            return None;
        }
        let Some(why) = unparsed(&text) else {
            self.held.remove(&key);
            self.last_text.insert(key, text);
            return Some(WatchEvent::Changed(path.to_path_buf()));
        };
        if self.held.get(&key).is_some_and(|h| h.text == text) {
            // Saved again as it was: the settle period goes on.
            return None;
        }
        let empty = text.trim().is_empty();
        self.held.insert(
            key,
            Held {
                text,
                since: Instant::now(),
                empty,
                told: false,
            },
        );
        Some(WatchEvent::Waiting {
            path: path.to_path_buf(),
            why,
        })
    }

    /// Held-back texts whose settle period is over: a text that does not parse is
    /// reported (its reload is refused with the diagnostics), an empty one ignored.
    fn settled(&mut self) -> Vec<WatchEvent> {
        let now = Instant::now();
        let mut due: Vec<PathBuf> = self
            .held
            .iter()
            .filter(|(_, h)| !h.told && h.since + self.settle <= now)
            .map(|(p, _)| p.clone())
            .collect();
        due.sort();
        let mut events = Vec::new();
        for key in due {
            let Some(held) = self.held.get_mut(&key) else {
                continue;
            };
            if held.empty {
                held.told = true;
                events.push(WatchEvent::StillEmpty(key));
            } else if let Some(held) = self.held.remove(&key) {
                self.last_text.insert(key.clone(), held.text);
                events.push(WatchEvent::Changed(key));
            }
        }
        events
    }
}

/// Why `text` is held back (`empty`, `2 syntax errors`), or `None` when it parses.
fn unparsed(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("empty".to_string());
    }
    let (_, diagnostics) = dast_syntax::parse(dast_base::FileId(0), text);
    match diagnostics.iter().filter(|d| d.is_error()).count() {
        0 => None,
        1 => Some("1 syntax error".to_string()),
        n => Some(format!("{n} syntax errors")),
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

    const V1: &str = "fn a() {}\n";
    const V2: &str = "fn b() {}\n";

    /// A watched folder with `m.dast` holding `V1`.
    fn setup(tag: &str) -> (PathBuf, PathBuf, SourceWatcher) {
        let dir = std::env::temp_dir().join(format!("dast-watch-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("m.dast");
        std::fs::write(&file, V1).unwrap();
        let w = SourceWatcher::new(&dir, HashMap::from([(file.clone(), V1.to_string())])).unwrap();
        (dir, file, w)
    }

    #[test]
    fn reports_changed_text_once_and_reverts() {
        let (dir, file, mut w) = setup("revert");
        std::fs::write(&file, V2).unwrap();
        let got = wait_for(&mut w);
        assert!(
            matches!(got.as_slice(), [WatchEvent::Changed(_)]),
            "{got:?}"
        );
        // The same text again is not a change; going back to V1 is.
        std::fs::write(&file, V2).unwrap();
        assert!(w.changes(Duration::from_millis(300)).is_empty());
        std::fs::write(&file, V1).unwrap();
        assert_eq!(wait_for(&mut w).len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_empty_save_then_text_is_one_change() {
        let (dir, file, mut w) = setup("empty");
        std::fs::write(&file, "").unwrap();
        let got = wait_for(&mut w);
        assert!(
            matches!(got.as_slice(), [WatchEvent::Waiting { why, .. }] if why == "empty"),
            "{got:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&file, V2).unwrap();
        let got = events_for(&mut w, SETTLE * 2);
        assert!(
            matches!(got.as_slice(), [WatchEvent::Changed(_)]),
            "{got:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_empty_file_is_never_a_change() {
        let (dir, file, mut w) = setup("still-empty");
        std::fs::write(&file, "").unwrap();
        let got = events_for(&mut w, SETTLE * 2);
        assert!(
            matches!(
                got.as_slice(),
                [WatchEvent::Waiting { .. }, WatchEvent::StillEmpty(_)]
            ),
            "{got:?}"
        );
        // Back to the text it had: nothing changed.
        std::fs::write(&file, V1).unwrap();
        assert!(events_for(&mut w, Duration::from_millis(400)).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn broken_text_that_stays_is_reported_after_settling() {
        let (dir, file, mut w) = setup("broken");
        std::fs::write(&file, "fn a( {}\n").unwrap();
        let start = Instant::now();
        let got = wait_for(&mut w);
        assert!(
            matches!(got.as_slice(), [WatchEvent::Waiting { why, .. }] if why.contains("syntax error")),
            "{got:?}"
        );
        let got = wait_for(&mut w);
        assert!(
            matches!(got.as_slice(), [WatchEvent::Changed(_)]),
            "{got:?}"
        );
        assert!(
            start.elapsed() >= SETTLE,
            "reported after {:?}",
            start.elapsed()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn wait_for(w: &mut SourceWatcher) -> Vec<WatchEvent> {
        for _ in 0..50 {
            let c = w.changes(Duration::from_millis(100));
            if !c.is_empty() {
                return c;
            }
        }
        Vec::new()
    }

    /// Every event during `period`.
    fn events_for(w: &mut SourceWatcher, period: Duration) -> Vec<WatchEvent> {
        let end = Instant::now() + period;
        let mut all = Vec::new();
        while Instant::now() < end {
            all.extend(w.changes(Duration::from_millis(50)));
        }
        all
    }
}
