//! `coro::pyfmt` against outputs recorded from CPython 3.11 (see tests/gen/).

mod format;

#[rustfmt::skip]
mod format_cases;
