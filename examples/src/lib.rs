//! Runnable examples of embedding duijie; see `embed.rs` (`cargo run -p duijie-examples --example embed`).
//!
//! The README is included below so that its library example is compiled with the tests.
#![doc = include_str!("../../README.md")]
