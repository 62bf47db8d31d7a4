//! `str.format(*args, **kwargs)` and `str.format_map(mapping)`, driving
//! [`crate::pyfmt`]'s template parser as CPython's `build_string` does.

use super::{clinic, this};
use crate::intern::{intern, Symbol};
use crate::object::function::Args;
use crate::pyfmt::ascii_escape;
use crate::pyfmt::{
    conversion_error, split_field_name, template_pieces, AutoNumbering, FieldAccessor, FieldHead, TemplatePiece,
};
use crate::runtime::exceptions::{index_error, key_error, value_error};
use crate::runtime::protocol;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{get_attr, ops, PyResult};
use std::future::Future;
use std::pin::Pin;

/// Where field values come from.
enum Source {
    Args { pos: Vec<Value>, kw: Vec<(Symbol, Value)> },
    Map(Value),
}

pub fn format(a: &Args) -> PyResult {
    let s = this(a, "format")?;
    let template = s.s.to_string();
    let source = Source::Args { pos: a.pos[1..].to_vec(), kw: a.kw.to_vec() };
    run_async(|ctx| async move {
        let mut auto = AutoNumbering::default();
        Ok(Value::str(render(&ctx, &template, &source, &mut auto, 2).await?))
    })
}

pub fn format_map(a: &Args) -> PyResult {
    let (s, args) = clinic(a, "format_map", 1, 1)?;
    let template = s.s.to_string();
    let source = Source::Map(args[0].clone());
    run_async(|ctx| async move {
        let mut auto = AutoNumbering::default();
        Ok(Value::str(render(&ctx, &template, &source, &mut auto, 2).await?))
    })
}

type Boxed<'a> = Pin<Box<dyn Future<Output = PyResult<String>> + 'a>>;

/// Renders a template; `depth` limits nesting of `{...}` inside format specs.
fn render<'a>(
    ctx: &'a Ctx,
    template: &'a str,
    source: &'a Source,
    auto: &'a mut AutoNumbering,
    depth: u32,
) -> Boxed<'a> {
    Box::pin(async move {
        if depth == 0 {
            return Err(value_error("Max string recursion exceeded"));
        }
        let mut out = String::with_capacity(template.len() + 16);
        for piece in template_pieces(template) {
            let (name, conversion, spec) = match piece.map_err(value_error)? {
                TemplatePiece::Literal(text) => {
                    out.push_str(&text);
                    continue;
                }
                TemplatePiece::Field { name, conversion, spec } => (name, conversion, spec),
            };
            let mut v = field_value(ctx, &name, source, auto).await?;
            if let Some(c) = conversion {
                v = Value::str(match c {
                    'r' => protocol::repr(ctx, &v).await?,
                    's' => protocol::str(ctx, &v).await?,
                    'a' => ascii_escape(&protocol::repr(ctx, &v).await?),
                    other => return Err(value_error(conversion_error(other))),
                });
            }
            let spec = if spec.contains('{') { render(ctx, &spec, source, auto, depth - 1).await? } else { spec };
            out.push_str(&protocol::format(ctx, &v, &spec).await?);
        }
        Ok(out)
    })
}

/// The object a field name such as `0`, `name` or `p[0].x` refers to.
async fn field_value(ctx: &Ctx, name: &str, source: &Source, auto: &mut AutoNumbering) -> PyResult {
    let (head, accessors) = split_field_name(name).map_err(value_error)?;
    let head = auto.resolve(head).map_err(value_error)?;
    let mut v = match (head, source) {
        (FieldHead::Index(i), Source::Args { pos, .. }) => pos
            .get(i)
            .cloned()
            .ok_or_else(|| index_error(format!("Replacement index {} out of range for positional args tuple", i)))?,
        (FieldHead::Index(_), Source::Map(_)) => return Err(value_error("Format string contains positional fields")),
        (FieldHead::Name(n), Source::Args { kw, .. }) => match kw.iter().find(|(k, _)| k.as_str() == n) {
            Some((_, v)) => v.clone(),
            None => return Err(key_error(Value::str(n))),
        },
        (FieldHead::Name(n), Source::Map(m)) => ctx.resolve(ops::get_item(m, &Value::str(n))).await?,
        (FieldHead::Auto, _) => unreachable!("auto numbering resolved"),
    };
    for accessor in accessors {
        v = match accessor.map_err(value_error)? {
            FieldAccessor::Attr(attr) => ctx.resolve(get_attr(&v, intern(&attr))).await?,
            FieldAccessor::Index(i) => ctx.resolve(ops::get_item(&v, &Value::Int(i as i64))).await?,
            FieldAccessor::Key(k) => ctx.resolve(ops::get_item(&v, &Value::str(k))).await?,
        };
    }
    Ok(v)
}
