//! Progress for anything that takes more than a second: a spinner on standard error with what
//! is running, drawn only when standard error is a terminal (indicatif hides it otherwise, so
//! piped and redirected output stays clean).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner that shows the elapsed time and a message.
pub fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed}] {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
