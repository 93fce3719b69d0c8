//! Runnable examples of embedding duijie; see `embed.rs` (`cargo run -p duijie-examples --example embed`).
