//! A progress line on stderr, only for a person watching: stderr is a terminal, `--quiet` was
//! not given, and the run has already taken more than a moment. Never on stdout.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs shorter than this never show a progress line.
const SHOW_AFTER: Duration = Duration::from_millis(400);

pub struct Progress {
    bar: ProgressBar,
    /// Set when the run is over; guarded so the line is never drawn after it was cleared.
    done: Arc<Mutex<bool>>,
}

impl Progress {
    /// `total` audits; `quiet` hides the line whatever stderr is.
    pub fn start(total: usize, what: &str, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        let template = if total > 1 {
            "{spinner} {msg} {pos}/{len} [{elapsed}]"
        } else {
            "{spinner} {msg} [{elapsed}]"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        let done = Arc::new(Mutex::new(false));
        if !quiet && std::io::stderr().is_terminal() {
            let (bar, done) = (bar.clone(), Arc::clone(&done));
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if let Ok(done) = done.lock() {
                    if !*done {
                        bar.set_draw_target(ProgressDrawTarget::stderr());
                        bar.enable_steady_tick(Duration::from_millis(120));
                    }
                }
            });
        }
        Progress { bar, done }
    }

    /// One audit finished.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        if let Ok(mut done) = self.done.lock() {
            *done = true;
            self.bar.finish_and_clear();
        }
    }
}
