//! The `collections` module, written in coro (`lib.coro`).

pub const SOURCE: &str = include_str!("lib.coro");

/// `collections.abc`: the names of `_collections_abc`.
pub const ABC_SOURCE: &str = "from _collections_abc import *\n";

/// The abstract base classes, shared by `collections.abc` and the modules that use them.
pub const ABCS_SOURCE: &str = include_str!("abc.coro");
