//! Progress for anything that takes more than a second: a spinner on standard error with what
//! is running, drawn only when standard error is a terminal (indicatif hides it otherwise, so
//! piped and redirected output stays clean); with `--progress`, one line per finished phase on
//! standard error, with its time and rate, whatever standard error is (logs of long runs).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use duijie::pipeline::Step;
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

/// The phases of a run: each reported as it ends, on the spinner, and as a line when asked.
pub struct Phases {
    start: Instant,
    last: Mutex<Instant>,
    lines: bool,
    bar: ProgressBar,
}

impl Phases {
    /// Starts the clock; `lines` prints a line per phase to standard error.
    pub fn new(lines: bool) -> Phases {
        let now = Instant::now();
        Phases {
            start: now,
            last: Mutex::new(now),
            lines,
            bar: spinner(),
        }
    }

    /// Says what is running now (the spinner's message).
    pub fn running(&self, what: &str) {
        self.bar.set_message(what.to_owned());
    }

    /// Reports a finished phase: `what`, and `count` things at a rate when given.
    pub fn done(&self, what: &str, count: Option<(u64, &str)>) {
        let now = Instant::now();
        let took = {
            let mut last = self
                .last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let took = now.duration_since(*last).as_secs_f64();
            *last = now;
            took
        };
        if !self.lines {
            self.bar.set_message(what.to_owned());
            return;
        }
        let rate = match count {
            #[allow(clippy::cast_precision_loss)]
            Some((n, unit)) if took > 0.0 => {
                format!(" ({}/s)", thousands((n as f64 / took) as u64) + " " + unit)
            }
            _ => String::new(),
        };
        self.bar.suspend(|| {
            eprintln!(
                "[{:>8.1} s | {:>7.2} s] {what}{rate}",
                now.duration_since(self.start).as_secs_f64(),
                took
            );
        });
    }

    /// Reports a step of the pipeline.
    pub fn step(&self, s: Step) {
        match s {
            Step::Prepared => self.done("scorer prepared (text index, tables)", None),
            Step::Scored {
                market,
                needs,
                pairs,
            } => self.done(
                &format!(
                    "{market}: {} needs scored, {} candidate pairs kept",
                    thousands(needs as u64),
                    thousands(pairs as u64)
                ),
                Some((pairs as u64, "pairs")),
            ),
            Step::Solved { market } => {
                self.done(&format!("{market}: allocated, certificate checked"), None);
            }
            Step::Allocated { market, matches } => self.done(
                &format!(
                    "{market}: measured, {} partnerships",
                    thousands(matches as u64)
                ),
                None,
            ),
        }
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(49_912_345), "49,912,345");
    }
}
