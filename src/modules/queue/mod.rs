//! The `queue` module, written in coro (`lib.coro`).

pub const SOURCE: &str = include_str!("lib.coro");
