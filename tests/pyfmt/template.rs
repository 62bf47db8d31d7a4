//! `str.format` template and field name parsing.

use crate::template_cases;
use coro::pyfmt::{
    conversion_error, parse_field_name, parse_template, split_field_name, AutoNumbering, FieldAccessor, FieldHead,
    TemplatePiece,
};

/// The generator's notation: `L(text)` and `F(name!conversion:spec)`, `-` for no conversion.
fn template_outcome(template: &str) -> String {
    match parse_template(template) {
        Err(message) => format!("E:{message}"),
        Ok(pieces) => pieces
            .iter()
            .map(|piece| match piece {
                TemplatePiece::Literal(text) => format!("L({text})"),
                TemplatePiece::Field { name, conversion, spec } => {
                    format!("F({name}!{}:{spec})", conversion.unwrap_or('-'))
                }
            })
            .collect(),
    }
}

/// The generator's notation: head `A`, `I3` or `Nname`, then `|.attr`, `|[3]`, `|{key}`.
fn field_outcome(name: &str) -> String {
    let (head, accessors) = match parse_field_name(name) {
        Ok(parsed) => parsed,
        Err(message) => return format!("E:{message}"),
    };
    let mut parts = vec![match head {
        FieldHead::Auto => "A".to_string(),
        FieldHead::Index(i) => format!("I{i}"),
        FieldHead::Name(n) => format!("N{n}"),
    }];
    parts.extend(accessors.iter().map(|accessor| match accessor {
        FieldAccessor::Attr(a) => format!(".{a}"),
        FieldAccessor::Index(i) => format!("[{i}]"),
        FieldAccessor::Key(k) => format!("{{{k}}}"),
    }));
    parts.join("|")
}

#[test]
fn templates_match_cpython() {
    for &(template, expected) in template_cases::TEMPLATES {
        assert_eq!(template_outcome(template), expected, "{template:?}");
    }
}

#[test]
fn field_names_match_cpython() {
    for &(name, expected) in template_cases::FIELD_NAMES {
        assert_eq!(field_outcome(name), expected, "{name:?}");
    }
}

#[test]
fn accessor_errors_come_after_earlier_accessors() {
    let (head, mut accessors) = split_field_name("a.b[0]c").unwrap();
    assert_eq!(head, FieldHead::Name("a".into()));
    assert_eq!(accessors.next(), Some(Ok(FieldAccessor::Attr("b".into()))));
    assert_eq!(accessors.next(), Some(Ok(FieldAccessor::Index(0))));
    assert!(accessors.next().unwrap().is_err());
    assert_eq!(accessors.next(), None);
}

#[test]
fn template_errors_come_after_earlier_fields() {
    let mut pieces = coro::pyfmt::template_pieces("a{0}b}");
    assert_eq!(pieces.next(), Some(Ok(TemplatePiece::Literal("a".into()))));
    assert!(matches!(pieces.next(), Some(Ok(TemplatePiece::Field { .. }))));
    assert_eq!(pieces.next(), Some(Err("Single '}' encountered in format string".into())));
    assert_eq!(pieces.next(), None);
}

#[test]
fn auto_numbering_rejects_mixing() {
    // '{}{}'.format(...) numbers 0, 1; names do not count.
    let mut numbering = AutoNumbering::default();
    assert_eq!(numbering.resolve(FieldHead::Auto), Ok(FieldHead::Index(0)));
    let name = FieldHead::Name("x".into());
    assert_eq!(numbering.resolve(name.clone()), Ok(name));
    assert_eq!(numbering.resolve(FieldHead::Auto), Ok(FieldHead::Index(1)));
    assert_eq!(
        numbering.resolve(FieldHead::Index(0)),
        Err("cannot switch from automatic field numbering to manual field specification".into())
    );
    let mut numbering = AutoNumbering::default();
    assert_eq!(numbering.resolve(FieldHead::Index(3)), Ok(FieldHead::Index(3)));
    assert_eq!(
        numbering.resolve(FieldHead::Auto),
        Err("cannot switch from manual field specification to automatic field numbering".into())
    );
}

#[test]
fn conversion_error_messages() {
    // '{0!x}'.format(1) and '{0!\x85}'.format(1)
    assert_eq!(conversion_error('x'), "Unknown conversion specifier x");
    assert_eq!(conversion_error('}'), "Unknown conversion specifier }");
    assert_eq!(conversion_error('\u{85}'), "Unknown conversion specifier \\x85");
    assert_eq!(conversion_error(' '), "Unknown conversion specifier \\x20");
}
