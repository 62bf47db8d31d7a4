//! `coro::pyfmt` against outputs recorded from CPython 3.11 (see tests/gen/).

mod format;
mod percent;
mod template;

#[rustfmt::skip]
mod format_cases;
#[rustfmt::skip]
mod percent_cases;
#[rustfmt::skip]
mod template_cases;
