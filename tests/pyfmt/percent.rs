//! printf-style formatting, driven the way an interpreter would drive it.

use crate::percent_cases;
use coro::numeric::f64_to_bigint;
use coro::pyfmt::{
    parse_percent, percent_float, percent_int, percent_pieces, percent_str, Count, PercentPiece, PercentSpec,
};
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// A recorded argument: an int, a float's bits, or the text `%s`/`%r`/`%a` shows.
#[derive(Clone, Copy, Debug)]
pub enum Arg {
    Int(&'static str),
    Float(u64),
    Text(&'static str),
}

/// Positional arguments, or a mapping's keys and values.
pub type Args = &'static [(Option<&'static str>, Arg)];

/// `fmt % args` with CPython's TypeError/ValueError texts, for the argument
/// kinds the cases use.
fn render(fmt: &str, args: &[(Option<&str>, Arg)]) -> Result<String, String> {
    let mut positional = args.iter().filter(|(key, _)| key.is_none()).map(|(_, a)| *a);
    let mut next = || positional.next().ok_or("TypeError: not enough arguments for format string");
    let mut out = String::new();
    for piece in percent_pieces(fmt) {
        let spec = match piece.map_err(|e| format!("ValueError: {e}"))? {
            PercentPiece::Literal(text) => {
                out.push_str(&text);
                continue;
            }
            PercentPiece::Spec(spec) => spec,
        };
        let mut count = |c: Option<Count>| -> Result<Option<i64>, String> {
            Ok(match c {
                None => None,
                Some(Count::Fixed(n)) => Some(n as i64),
                Some(Count::Star) => match next()? {
                    Arg::Int(v) => Some(v.parse().unwrap()),
                    _ => return Err("TypeError: * wants int".into()),
                },
            })
        };
        let width = count(spec.width)?;
        let precision = count(spec.precision)?;
        let value = match &spec.key {
            Some(key) => args.iter().find(|(k, _)| *k == Some(key)).unwrap().1,
            None => next()?,
        };
        out.push_str(&convert(&spec, value, width, precision)?);
    }
    if positional.next().is_some() {
        return Err("TypeError: not all arguments converted during string formatting".into());
    }
    Ok(out)
}

fn convert(spec: &PercentSpec, value: Arg, width: Option<i64>, precision: Option<i64>) -> Result<String, String> {
    let as_float = |v: Arg| match v {
        Arg::Float(bits) => f64::from_bits(bits),
        Arg::Int(text) => text.parse::<BigInt>().unwrap().to_f64().unwrap(),
        Arg::Text(_) => unreachable!(),
    };
    Ok(match (spec.conv, value) {
        ('d' | 'i' | 'u' | 'o' | 'x' | 'X', Arg::Int(text)) => {
            percent_int(&text.parse().unwrap(), spec, width, precision)
        }
        ('d' | 'i' | 'u', Arg::Float(bits)) => {
            let v = f64_to_bigint(f64::from_bits(bits)).unwrap();
            percent_int(&v, spec, width, precision)
        }
        ('e' | 'E' | 'f' | 'F' | 'g' | 'G', Arg::Int(_) | Arg::Float(_)) => {
            percent_float(as_float(value), spec, width, precision)
        }
        ('c', Arg::Int(text)) => {
            let c = char::from_u32(text.parse().unwrap()).unwrap();
            percent_str(&c.to_string(), spec, width, precision)
        }
        ('s' | 'r' | 'a' | 'c', Arg::Text(text)) => percent_str(text, spec, width, precision),
        ('s' | 'r' | 'a', Arg::Int(text)) => percent_str(text, spec, width, precision),
        (conv, _) if !"diuoxXeEfFgGcsra".contains(conv) => {
            return Err(format!("ValueError: {}", spec.unsupported_message()))
        }
        other => panic!("case needs an argument kind the harness lacks: {other:?}"),
    })
}

#[test]
fn percent_matches_cpython() {
    for &(fmt, args, expected) in percent_cases::PERCENT {
        let got = render(fmt, args).unwrap_or_else(|e| e);
        assert_eq!(got, expected, "{fmt:?} % {args:?}");
    }
}

#[test]
fn parse_percent_pieces() {
    let pieces = parse_percent("%(k)-+ #08.3lf|%*.*d%%").unwrap();
    let [PercentPiece::Spec(first), PercentPiece::Literal(bar), PercentPiece::Spec(second), PercentPiece::Literal(percent)] =
        &pieces[..]
    else {
        panic!("unexpected pieces {pieces:?}");
    };
    assert_eq!(first.key.as_deref(), Some("k"));
    let flags = first.flags;
    assert!(flags.minus && flags.plus && flags.space && flags.alt && flags.zero);
    assert_eq!((first.width, first.precision), (Some(Count::Fixed(8)), Some(Count::Fixed(3))));
    assert_eq!((first.conv, first.index), ('f', 13));
    assert_eq!(bar, "|");
    assert_eq!((second.width, second.precision), (Some(Count::Star), Some(Count::Star)));
    assert_eq!(percent, "%");
    assert_eq!(parse_percent("abc %").unwrap_err(), "incomplete format");
    assert_eq!(parse_percent("%(a").unwrap_err(), "incomplete format key");
}
