//! CPython's number and string formatting, on plain Rust values.
//!
//! - `repr(float)`: [`float_repr`]
//! - `format(value, spec)`: [`parse_format_spec`], then [`format_int`],
//!   [`format_float`] or [`format_str`]
//! - `str.format` templates: [`parse_template`], [`parse_field_name`]
//! - printf-style `%`: [`parse_percent`], [`percent_int`], [`percent_float`], [`percent_str`]

mod complex;
mod error;
mod float;
mod float_repr;
mod int;
mod layout;
mod percent;
mod spec;
mod string;
mod template;

pub use complex::{complex_repr, format_complex};
pub use error::FormatError;
pub use float::format_float;
pub use float_repr::float_repr;
pub use int::format_int;
pub use percent::{
    parse_percent, percent_float, percent_int, percent_pieces, percent_str, Count, PercentFlags, PercentPiece,
    PercentPieces, PercentSpec,
};
pub use spec::{parse_format_spec, Align, FormatSpec, Sign};
pub use string::{ascii_escape, format_str};
pub use template::{
    conversion_error, parse_field_name, parse_template, split_field_name, template_pieces, AutoNumbering,
    FieldAccessor, FieldAccessors, FieldHead, TemplatePiece, TemplatePieces,
};
