//! Progress display for long host-side work: an indicatif spinner that
//! appears only when stderr is a terminal and the work has already taken
//! more than two seconds, so short runs and CI logs stay quiet.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget};

/// How long work runs before a spinner appears.
const SHOW_AFTER: Duration = Duration::from_secs(2);

/// A spinner that shows itself only when worth it.
#[derive(Debug)]
pub struct Progress {
    start: Instant,
    bar: ProgressBar,
    shown: bool,
    what: &'static str,
}

impl Progress {
    /// Starts timing a piece of work described by `what` ("walking rootfs").
    pub fn new(what: &'static str) -> Self {
        Progress {
            start: Instant::now(),
            bar: ProgressBar::hidden(),
            shown: false,
            what,
        }
    }

    /// Reports one step; `detail` is shown next to the description.
    pub fn tick(&mut self, detail: &str) {
        if !self.shown && self.start.elapsed() > SHOW_AFTER && std::io::stderr().is_terminal() {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        if self.shown {
            self.bar.set_message(format!("{}: {detail}", self.what));
            self.bar.tick();
        }
    }

    /// Removes the spinner, if it was shown.
    pub fn finish(self) {
        if self.shown {
            self.bar.finish_and_clear();
        }
    }
}
