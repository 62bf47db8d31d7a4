//! Errors of `format()` specifications, with CPython's exact messages.

/// Why a value could not be formatted with a given format specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Trailing garbage in the specification (holds the whole specification).
    InvalidSpecifier(String),
    /// A `.` not followed by digits.
    MissingPrecision,
    /// Width or precision does not fit in a machine word.
    TooManyDigits,
    /// Both `,` and `_` were given.
    BothSeparators,
    /// A grouping separator with a presentation type that does not allow it.
    SeparatorWithType { separator: char, ty: char },
    /// Presentation type not supported by the value's type.
    UnknownCode(char),
    /// A precision on an integer presentation type.
    IntegerPrecision,
    /// `z` on an integer presentation type.
    IntegerNegativeZero,
    /// A sign with the `c` presentation type.
    CharSign,
    /// `#` with the `c` presentation type.
    CharAlternate,
    /// `c` of an integer outside `range(0x110000)` (an `OverflowError`).
    CharRange,
    /// `c` of an integer that does not fit in a C long (an `OverflowError`).
    CharTooLarge,
    /// A float presentation type for an integer too large for a float (an `OverflowError`).
    IntTooLargeForFloat,
    /// A float precision above `i32::MAX`.
    PrecisionTooBig,
    /// A decimal int with more digits than `sys.set_int_max_str_digits` allows (the message).
    IntDigitsLimit(String),
    /// `+` or `-` in a string specification.
    StringSign,
    /// ` ` in a string specification.
    StringSpace,
    /// `z` in a string specification.
    StringNegativeZero,
    /// `#` in a string specification.
    StringAlternate,
    /// `=` alignment in a string specification.
    StringAlignment,
    /// A `0` before the width of a complex specification.
    ComplexZeroPadding,
    /// `=` alignment in a complex specification.
    ComplexAlignment,
}

impl FormatError {
    /// CPython's message; `type_name` is the formatted value's type, e.g. `"float"`.
    pub fn message(&self, type_name: &str) -> String {
        match self {
            FormatError::InvalidSpecifier(spec) => {
                format!("Invalid format specifier '{spec}' for object of type '{type_name}'")
            }
            FormatError::MissingPrecision => "Format specifier missing precision".into(),
            FormatError::TooManyDigits => "Too many decimal digits in format string".into(),
            FormatError::BothSeparators => "Cannot specify both ',' and '_'.".into(),
            FormatError::SeparatorWithType { separator, ty } => {
                format!("Cannot specify '{separator}' with {}.", quoted_code(*ty))
            }
            FormatError::UnknownCode(ty) => {
                format!("Unknown format code {} for object of type '{type_name}'", quoted_code(*ty))
            }
            FormatError::IntegerPrecision => "Precision not allowed in integer format specifier".into(),
            FormatError::IntegerNegativeZero => {
                "Negative zero coercion (z) not allowed in integer format specifier".into()
            }
            FormatError::CharSign => "Sign not allowed with integer format specifier 'c'".into(),
            FormatError::CharAlternate => "Alternate form (#) not allowed with integer format specifier 'c'".into(),
            FormatError::CharRange => "%c arg not in range(0x110000)".into(),
            FormatError::CharTooLarge => "Python int too large to convert to C long".into(),
            FormatError::IntTooLargeForFloat => "int too large to convert to float".into(),
            FormatError::PrecisionTooBig => "precision too big".into(),
            FormatError::IntDigitsLimit(msg) => msg.clone(),
            FormatError::StringSign => "Sign not allowed in string format specifier".into(),
            FormatError::StringSpace => "Space not allowed in string format specifier".into(),
            FormatError::StringNegativeZero => {
                "Negative zero coercion (z) not allowed in string format specifier".into()
            }
            FormatError::StringAlternate => "Alternate form (#) not allowed in string format specifier".into(),
            FormatError::StringAlignment => "'=' alignment not allowed in string format specifier".into(),
            FormatError::ComplexZeroPadding => "Zero padding is not allowed in complex format specifier".into(),
            FormatError::ComplexAlignment => "'=' alignment flag is not allowed in complex format specifier".into(),
        }
    }

    /// The Python exception class: `"OverflowError"` or `"ValueError"`.
    pub fn exception_type(&self) -> &'static str {
        match self {
            FormatError::CharRange | FormatError::CharTooLarge | FormatError::IntTooLargeForFloat => "OverflowError",
            _ => "ValueError",
        }
    }
}

/// `'d'`, or `'\x85'` for a code outside printable ASCII, as CPython quotes it.
fn quoted_code(ty: char) -> String {
    if (ty as u32) > 32 && (ty as u32) < 128 {
        format!("'{ty}'")
    } else {
        format!("'\\x{:x}'", ty as u32)
    }
}
