//! `format()` and `repr(float)`.

use crate::format_cases;
use coro::pyfmt::{float_repr, format_float, format_int, format_str, parse_format_spec, FormatError};
use num_bigint::BigInt;

/// `"ValueError: message"`, the form the generators record errors in.
fn error_text(err: FormatError, type_name: &str) -> String {
    format!("{}: {}", err.exception_type(), err.message(type_name))
}

#[test]
fn float_repr_matches_cpython() {
    for &(bits, expected) in format_cases::FLOAT_REPR {
        assert_eq!(float_repr(f64::from_bits(bits)), expected, "repr of {bits:#x}");
    }
}

#[test]
fn format_float_matches_cpython() {
    for &(bits, spec, expected) in format_cases::FORMAT_FLOAT {
        let x = f64::from_bits(bits);
        let got = parse_format_spec(spec).and_then(|s| format_float(x, &s)).unwrap_or_else(|e| error_text(e, "float"));
        assert_eq!(got, expected, "format({x:?}, {spec:?})");
    }
}

#[test]
fn format_int_matches_cpython() {
    for &(value, spec, expected) in format_cases::FORMAT_INT {
        let v: BigInt = value.parse().unwrap();
        let got = parse_format_spec(spec).and_then(|s| format_int(&v, &s)).unwrap_or_else(|e| error_text(e, "int"));
        assert_eq!(got, expected, "format({v}, {spec:?})");
    }
}

#[test]
fn format_str_matches_cpython() {
    for &(value, spec, expected) in format_cases::FORMAT_STR {
        let got = parse_format_spec(spec).and_then(|s| format_str(value, &s)).unwrap_or_else(|e| error_text(e, "str"));
        assert_eq!(got, expected, "format({value:?}, {spec:?})");
    }
}
