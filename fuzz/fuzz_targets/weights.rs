//! Bytes as a weights file (TOML): parsing and validation return a value or an error naming a
//! field, never panic; a config that validates scores the sample pairs to values in [0, 1].
#![no_main]

use duijie::score::ScoreConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(cfg) = toml::from_str::<ScoreConfig>(text) else {
        return;
    };
    if cfg.validate().is_err() {
        return;
    }
    // A validated config: every component's weight is finite and not negative, the sums are
    // positive, so a score is a number in [0, 1].
    for (need, offer) in [(6u32, 4u32), (0, 0), (1, 100)] {
        let (v, _) = duijie::score::capacity_fit(need, offer);
        assert!((0.0..=1.0).contains(&v));
    }
    let _ = cfg.top_k;
});
