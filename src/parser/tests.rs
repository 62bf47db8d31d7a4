use super::*;
use crate::ast::*;
use crate::span::Spanned;

fn module(src: &str) -> Vec<Stmt> {
    parse(src).unwrap_or_else(|e| panic!("{src:?}: {e:?}")).body
}

fn stmt(src: &str) -> StmtKind {
    let mut body = module(src);
    assert_eq!(body.len(), 1, "{src:?}");
    body.remove(0).node
}

fn expr(src: &str) -> Expr {
    match stmt(src) {
        StmtKind::Expr(e) => e,
        other => panic!("{other:?}"),
    }
}

fn error(src: &str) -> SyntaxError {
    parse(src).expect_err(src)
}

/// A compact rendering of an expression's shape, e.g. `(Add a (Mul b c))`.
fn sx(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(sx).collect::<Vec<_>>().join(" ");
    match &e.node {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Constant(Constant::Int(i)) => i.to_string(),
        ExprKind::Constant(Constant::Str(s)) => format!("{s:?}"),
        ExprKind::Constant(c) => format!("{c:?}"),
        ExprKind::Tuple(items) => format!("(tuple {})", list(items)),
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Set(items) => format!("(set {})", list(items)),
        ExprKind::Starred(v) => format!("*{}", sx(v)),
        ExprKind::Attribute { value, attr } => format!("{}.{}", sx(value), attr.node),
        ExprKind::Subscript { value, index } => format!("{}[{}]", sx(value), sx(index)),
        ExprKind::Slice { lower, upper, step } => {
            let part = |p: &Option<Box<Expr>>| p.as_deref().map(sx).unwrap_or_default();
            format!("{}:{}:{}", part(lower), part(upper), part(step))
        }
        ExprKind::BinOp { op, left, right } => format!("({op:?} {} {})", sx(left), sx(right)),
        ExprKind::UnaryOp { op, operand } => format!("({op:?} {})", sx(operand)),
        ExprKind::BoolOp { op, values } => format!("({op:?} {})", list(values)),
        ExprKind::Compare { left, ops } => {
            let ops: Vec<_> = ops.iter().map(|(op, e)| format!("{op:?} {}", sx(e))).collect();
            format!("(cmp {} {})", sx(left), ops.join(" "))
        }
        ExprKind::IfExp { test, body, orelse } => format!("(if {} {} {})", sx(test), sx(body), sx(orelse)),
        ExprKind::Await(v) => format!("(await {})", sx(v)),
        ExprKind::NamedExpr { target, value } => format!("(:= {} {})", target.node, sx(value)),
        _ => format!("{:?}", e.node),
    }
}

fn sx_expr(src: &str) -> String {
    sx(&expr(src))
}

#[test]
fn operator_precedence() {
    assert_eq!(sx_expr("-2 ** 2"), "(Neg (Pow 2 2))");
    assert_eq!(sx_expr("2 ** -1"), "(Pow 2 (Neg 1))");
    assert_eq!(sx_expr("a ** b ** c"), "(Pow a (Pow b c))");
    assert_eq!(sx_expr("a - b - c"), "(Sub (Sub a b) c)");
    assert_eq!(sx_expr("a + b * c @ d"), "(Add a (MatMul (Mul b c) d))");
    assert_eq!(sx_expr("a | b ^ c & d << e + f"), "(BitOr a (BitXor b (BitAnd c (LShift d (Add e f)))))");
    assert_eq!(sx_expr("not a == b and c or d"), "(Or (And (Not (cmp a Eq b)) c) d)");
    assert_eq!(sx_expr("a and b and c"), "(And a b c)");
    assert_eq!(sx_expr("a < b <= c is not d not in e"), "(cmp a Lt b LtE c IsNot d NotIn e)");
    assert_eq!(sx_expr("a if b else c if d else e"), "(if b a (if d c e))");
    assert_eq!(sx_expr("await x ** 2"), "(Pow (await x) 2)");
    assert_eq!(sx_expr("~x.y[0]"), "(Invert x.y[0])");
}

#[test]
fn atoms_and_displays() {
    assert_eq!(sx_expr("(1,)"), "(tuple 1)");
    assert_eq!(sx_expr("()"), "(tuple )");
    assert_eq!(sx_expr("(1)"), "1");
    assert_eq!(sx_expr("1, 2,"), "(tuple 1 2)");
    assert_eq!(sx_expr("[1, *a, 2,]"), "[1 *a 2]");
    assert_eq!(sx_expr("{1, *a}"), "(set 1 *a)");
    assert_eq!(sx_expr("..."), "Ellipsis");
    assert_eq!(sx_expr("(x := 5)"), "(:= x 5)");
    match expr("{'a': 1, **m}").node {
        ExprKind::Dict(items) => {
            assert_eq!(items.len(), 2);
            assert!(items[0].0.is_some() && items[1].0.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(expr("{}").node, ExprKind::Dict(Vec::new()));
}

#[test]
fn numbers() {
    assert_eq!(sx_expr("1_000"), "1000");
    assert_eq!(sx_expr("0xFF"), "255");
    assert_eq!(sx_expr("10**30"), "(Pow 10 30)");
    assert_eq!(sx_expr("123456789012345678901234567890"), "123456789012345678901234567890");
    assert_eq!(expr("1_0.5").node, ExprKind::Constant(Constant::Float(10.5)));
    assert_eq!(expr("2j").node, ExprKind::Constant(Constant::Imaginary(2.0)));
}

#[test]
fn subscripts_and_slices() {
    assert_eq!(sx_expr("a[1:2]"), "a[1:2:]");
    assert_eq!(sx_expr("a[::2]"), "a[::2]");
    assert_eq!(sx_expr("a[:]"), "a[::]");
    assert_eq!(sx_expr("a[1:2, 3]"), "a[(tuple 1:2: 3)]");
    assert_eq!(sx_expr("a[i, j]"), "a[(tuple i j)]");
    assert_eq!(sx_expr("a[i,]"), "a[(tuple i)]");
}

#[test]
fn calls() {
    let ExprKind::Call { func, args } = expr("f(a, *b, c=1, **d)").node else { panic!() };
    assert_eq!(sx(&func), "f");
    assert!(matches!(
        &args[..],
        [Arg::Positional(_), Arg::Starred(_), Arg::Keyword(k, _), Arg::DoubleStarred(_)] if k.node == "c"
    ));
    let ExprKind::Call { args, .. } = expr("sum(x for x in y)").node else { panic!() };
    let [Arg::Positional(g)] = &args[..] else { panic!() };
    assert!(matches!(&g.node, ExprKind::GeneratorExp { generators, .. } if generators.len() == 1));
    assert_eq!(g.span, Span::new(3, 17));
}

#[test]
fn comprehensions() {
    let ExprKind::ListComp { elt, generators } = expr("[x * y for x in a if x if y for y in b]").node else { panic!() };
    assert_eq!(sx(&elt), "(Mul x y)");
    assert_eq!(generators.len(), 2);
    assert_eq!(generators[0].ifs.len(), 2);
    let ExprKind::DictComp { generators, .. } = expr("{k: v for k, v in d.items()}").node else { panic!() };
    assert_eq!(sx(&generators[0].target), "(tuple k v)");
    let ExprKind::SetComp { generators, .. } = expr("{x async for x in y}").node else { panic!() };
    assert!(generators[0].is_async);
}

#[test]
fn lambdas_and_parameters() {
    let ExprKind::Lambda { params, body } = expr("lambda a, /, b=1, *args, c, d=2, **kw: a").node else { panic!() };
    assert_eq!(sx(&body), "a");
    let names = |ps: &[Param]| ps.iter().map(|p| p.name.node.clone()).collect::<Vec<_>>();
    assert_eq!(names(&params.posonly), ["a"]);
    assert_eq!(names(&params.args), ["b"]);
    assert_eq!(params.vararg.as_ref().map(|p| p.name.node.as_str()), Some("args"));
    assert_eq!(names(&params.kwonly), ["c", "d"]);
    assert_eq!(params.kwarg.as_ref().map(|p| p.name.node.as_str()), Some("kw"));
    assert!(params.args[0].default.is_some() && params.kwonly[0].default.is_none());

    let StmtKind::FunctionDef(f) = stmt("@d\nasync def f(x: int, *, y: str = 'a') -> bool:\n    pass\n") else {
        panic!()
    };
    assert!(f.is_async);
    assert_eq!(f.decorators.len(), 1);
    assert_eq!(f.params.kwonly[0].annotation.as_ref().map(sx).as_deref(), Some("str"));
    assert_eq!(f.returns.as_ref().map(sx).as_deref(), Some("bool"));
}

#[test]
fn assignments() {
    let StmtKind::Assign { targets, value } = stmt("a = b = 1") else { panic!() };
    assert_eq!((targets.len(), sx(&value)), (2, "1".to_string()));
    let StmtKind::Assign { targets, value } = stmt("a, b = b, a") else { panic!() };
    assert_eq!((sx(&targets[0]), sx(&value)), ("(tuple a b)".to_string(), "(tuple b a)".to_string()));
    let StmtKind::Assign { targets, .. } = stmt("first, *rest = xs") else { panic!() };
    assert_eq!(sx(&targets[0]), "(tuple first *rest)");
    assert!(matches!(stmt("x += 1"), StmtKind::AugAssign { op: BinOp::Add, .. }));
    assert!(matches!(stmt("x **= 1"), StmtKind::AugAssign { op: BinOp::Pow, .. }));
    assert!(matches!(stmt("x: int = 5"), StmtKind::AnnAssign { value: Some(_), .. }));
    assert!(matches!(stmt("x: int"), StmtKind::AnnAssign { value: None, .. }));
    let StmtKind::Assign { value, .. } = stmt("x = yield y") else { panic!() };
    assert!(matches!(value.node, ExprKind::Yield(Some(_))));
    assert!(matches!(stmt("yield from g"), StmtKind::Expr(Spanned { node: ExprKind::YieldFrom(_), .. })));
}

#[test]
fn simple_statements() {
    assert_eq!(module("a; b; c;\n").len(), 3);
    assert!(matches!(stmt("raise X from Y"), StmtKind::Raise { exc: Some(_), cause: Some(_) }));
    assert!(matches!(stmt("raise"), StmtKind::Raise { exc: None, cause: None }));
    assert!(matches!(stmt("del a, b[1]"), StmtKind::Delete(t) if t.len() == 2));
    assert!(matches!(stmt("assert x, 'm'"), StmtKind::Assert { msg: Some(_), .. }));
    assert!(matches!(stmt("global a, b"), StmtKind::Global(n) if n.len() == 2));
    let StmtKind::Import(names) = stmt("import a.b as c, d") else { panic!() };
    assert_eq!((names[0].name.node.as_str(), names[0].asname.as_ref().map(|n| n.node.as_str())), ("a.b", Some("c")));
    let StmtKind::ImportFrom { module, names } = stmt("from .x import (a, b as c,)") else { panic!() };
    assert_eq!((module.as_str(), names.len()), (".x", 2));
    let StmtKind::ImportFrom { module, names } = stmt("from ... import *") else { panic!() };
    assert_eq!((module.as_str(), names[0].name.node.as_str()), ("...", "*"));
}

#[test]
fn compound_statements() {
    let StmtKind::If { orelse, .. } = stmt("if a:\n    x\nelif b:\n    y\nelse:\n    z\n") else { panic!() };
    let [Spanned { node: StmtKind::If { orelse: inner, .. }, span }] = &orelse[..] else { panic!() };
    assert_eq!((inner.len(), *span), (1, Span::new(12, 37)));
    let StmtKind::For { target, orelse, .. } = stmt("for k, v in d.items():\n    pass\nelse:\n    pass\n") else {
        panic!()
    };
    assert_eq!((sx(&target), orelse.len()), ("(tuple k v)".to_string(), 1));
    let src =
        "try:\n    a\nexcept (A, B) as e:\n    b\nexcept C:\n    c\nexcept:\n    d\nelse:\n    e\nfinally:\n    f\n";
    let StmtKind::Try { handlers, orelse, finalbody, .. } = stmt(src) else { panic!() };
    assert_eq!((handlers.len(), orelse.len(), finalbody.len()), (3, 1, 1));
    assert_eq!(handlers[0].name.as_ref().map(|n| n.node.as_str()), Some("e"));
    assert_eq!(handlers[0].span, Span::new(11, 29));
    assert!(handlers[2].typ.is_none());
    let StmtKind::ClassDef(c) = stmt("class C(B, metaclass=M):\n    x = 1\n") else { panic!() };
    assert!(matches!(&c.bases[..], [Arg::Positional(_), Arg::Keyword(..)]));
}

#[test]
fn with_statements() {
    let items = |src: &str| match stmt(src) {
        StmtKind::With { items, .. } => items
            .iter()
            .map(|i| format!("{}>{}", sx(&i.context), i.target.as_ref().map(sx).unwrap_or_default()))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(items("with a as b, c as d:\n pass"), ["a>b", "c>d"]);
    assert_eq!(items("with (a as b, c,):\n pass"), ["a>b", "c>"]);
    assert_eq!(items("with (a, b):\n pass"), ["a>", "b>"]);
    assert_eq!(items("with (a, b) as c:\n pass"), ["(tuple a b)>c"]);
    assert_eq!(items("with (a) as b, (c):\n pass"), ["a>b", "c>"]);
    assert_eq!(items("with (yield):\n pass"), ["Yield(None)>"]);
    assert!(matches!(stmt("async with a:\n pass"), StmtKind::With { is_async: true, .. }));
}

#[test]
fn spans_cover_the_source_of_each_node() {
    let body = module("x = 1\nif x:\n    y = (a +\n         b)\nz\n");
    assert_eq!(body[0].span, Span::new(0, 5));
    assert_eq!(body[1].span, Span::new(6, 36));
    let StmtKind::If { body: inner, .. } = &body[1].node else { panic!() };
    let StmtKind::Assign { value, .. } = &inner[0].node else { panic!() };
    assert_eq!(value.span, Span::new(21, 35));
    assert_eq!(body[2].span, Span::new(37, 38));
}

#[test]
fn strings_concatenate() {
    assert_eq!(sx_expr("'a' \"b\" '''c'''"), "\"abc\"");
    assert_eq!(expr("b'a' rb'\\n'").node, ExprKind::Constant(Constant::Bytes(b"a\\n".to_vec())));
    assert_eq!(error("'a' b'b'").msg, "cannot mix bytes and nonbytes literals");
    let ExprKind::FString(parts) = expr("'a' f'{x}' 'b' 'c'").node else { panic!() };
    assert!(
        matches!(&parts[..], [FStringPart::Literal(a), FStringPart::Field(_), FStringPart::Literal(bc)] if a == "a" && bc == "bc")
    );
}

fn fields(src: &str) -> Vec<FStringPart> {
    match expr(src).node {
        ExprKind::FString(parts) => parts,
        other => panic!("{other:?}"),
    }
}

fn field(part: &FStringPart) -> &FStringField {
    match part {
        FStringPart::Field(f) => f,
        other => panic!("{other:?}"),
    }
}

#[test]
fn fstring_fields() {
    let parts = fields("f'a{x!r:>10}b{{c}}{y}'");
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0], FStringPart::Literal("a".into()));
    let f = field(&parts[1]);
    assert_eq!((sx(&f.expr), f.conversion), ("x".into(), Some('r')));
    assert_eq!(f.spec, Some(vec![FStringPart::Literal(">10".into())]));
    assert_eq!(parts[2], FStringPart::Literal("b{c}".into()));
    assert_eq!(field(&parts[3]).expr.span, Span::new(19, 20));

    let f = field(&fields("f'{d[\"k\"]}'")[0]).clone();
    assert_eq!(sx(&f.expr), "d[\"k\"]");
    let f = field(&fields("f'{(lambda x: x * 2)(4)}'")[0]).clone();
    assert!(matches!(f.expr.node, ExprKind::Call { .. }));
    let f = field(&fields("f'{\"nested\"}'")[0]).clone();
    assert_eq!(sx(&f.expr), "\"nested\"");
    let f = field(&fields("f'{a != b}'")[0]).clone();
    assert_eq!(sx(&f.expr), "(cmp a NotEq b)");
    let f = field(&fields("f'{a, b}'")[0]).clone();
    assert_eq!(sx(&f.expr), "(tuple a b)");
}

#[test]
fn fstring_nested_spec() {
    let parts = fields("f'{pi:{width}.{prec}f}'");
    let spec = field(&parts[0]).spec.clone().unwrap();
    assert_eq!(spec.len(), 4);
    assert_eq!(sx(&field(&spec[0]).expr), "width");
    assert_eq!(spec[1], FStringPart::Literal(".".into()));
    assert_eq!(sx(&field(&spec[2]).expr), "prec");
    assert_eq!(spec[3], FStringPart::Literal("f".into()));
}

#[test]
fn fstring_debug_form() {
    let f = field(&fields("f'{x = }'")[0]).clone();
    assert_eq!((f.debug_text.as_deref(), f.conversion), (Some("x = "), Some('r')));
    let f = field(&fields("f'{x=!s}'")[0]).clone();
    assert_eq!((f.debug_text.as_deref(), f.conversion), (Some("x="), Some('s')));
    let f = field(&fields("f'{x=:>5}'")[0]).clone();
    assert_eq!((f.debug_text.as_deref(), f.conversion), (Some("x="), None));
    let f = field(&fields("f'{a <= b}'")[0]).clone();
    assert_eq!(f.debug_text, None);
}

#[test]
fn fstring_escapes_and_raw() {
    assert_eq!(fields("f'\\t{x}\\n'")[0], FStringPart::Literal("\t".into()));
    assert_eq!(fields("rf'\\t{x}'")[0], FStringPart::Literal("\\t".into()));
    assert_eq!(fields("f''"), []);
}

#[test]
fn fstring_errors() {
    assert_eq!(error("f'{}'").msg, "f-string: empty expression not allowed");
    assert_eq!(error("f'{x!z}'").msg, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
    assert_eq!(error("f'}'").msg, "f-string: single '}' is not allowed");
    assert_eq!(error("f'{'").msg, "f-string: expecting '}'");
    assert_eq!(error("f'{a b}'").msg, "f-string: invalid syntax");
    assert_eq!(error("f'{a b}'").span, Span::new(5, 6));
    assert_eq!(error("f'{x:{y:{z}}}'").msg, "f-string: expressions nested too deeply");
    assert_eq!(error("f'{a\\n}'").msg, "f-string: expression part cannot include a backslash");
}

#[test]
fn target_errors() {
    let e = error("f() = 1");
    assert_eq!(e.msg, "cannot assign to function call here. Maybe you meant '==' instead of '='?");
    assert_eq!(e.span, Span::new(0, 3));
    assert_eq!(error("(a, f()) = 1").msg, "cannot assign to function call");
    assert_eq!(error("None = 1").msg, "cannot assign to None");
    assert_eq!(error("1 = x").msg, "cannot assign to literal here. Maybe you meant '==' instead of '='?");
    assert_eq!(error("*a = 1").msg, "starred assignment target must be in a list or tuple");
    assert_eq!(error("*a, *b = 1").msg, "multiple starred expressions in assignment");
    assert_eq!(error("(a, b) += 1").msg, "'tuple' is an illegal expression for augmented assignment");
    assert_eq!(error("(a, b): int").msg, "only single target (not tuple) can be annotated");
    assert_eq!(error("for f() in x: pass").msg, "cannot assign to function call");
    assert_eq!(error("del f()").msg, "cannot delete function call");
    assert_eq!(error("(x.y := 1)").msg, "cannot use assignment expressions with attribute");
    assert_eq!(error("[x for 1 in y]").msg, "cannot assign to literal");
    assert_eq!(error("with a as f(): pass").msg, "cannot assign to function call");
    assert_eq!(error("*a").msg, "can't use starred expression here");
    assert_eq!(error("x = (*a)").msg, "cannot use starred expression here");
}

#[test]
fn argument_and_parameter_errors() {
    assert_eq!(error("f(a=1, b)").msg, "positional argument follows keyword argument");
    assert_eq!(error("f(**a, b)").msg, "positional argument follows keyword argument unpacking");
    assert_eq!(error("f(**a, *b)").msg, "iterable argument unpacking follows keyword argument unpacking");
    assert_eq!(error("f(a=1, a=2)").msg, "keyword argument repeated: a");
    assert_eq!(error("def f(a=1, b): pass").msg, "non-default argument follows default argument");
    assert_eq!(error("def f(*): pass").msg, "named arguments must follow bare *");
    assert_eq!(error("def f(/, a): pass").msg, "at least one argument must precede /");
    assert_eq!(error("def f(a, a): pass").msg, "duplicate argument 'a' in function definition");
    assert_eq!(error("def f(**k, a): pass").msg, "arguments cannot follow var-keyword argument");
    assert_eq!(error("lambda *, **k: 0").msg, "named arguments must follow bare *");
}

#[test]
fn syntax_errors_point_at_the_offending_token() {
    let e = error("x = = 1");
    assert_eq!((e.kind, e.msg.as_str(), e.span), (SyntaxErrorKind::SyntaxError, "invalid syntax", Span::new(4, 5)));
    let e = error("if x\n    pass\n");
    assert_eq!((e.msg.as_str(), e.span), ("expected ':'", Span::new(4, 5)));
    assert_eq!(error("def f()\n    pass\n").msg, "expected ':'");
    assert_eq!(error("try:\n    pass\nx = 1\n").msg, "expected 'except' or 'finally' block");
    assert_eq!(error("try:\n pass\nexcept:\n pass\nexcept E:\n pass\n").msg, "default 'except:' must be last");
    assert_eq!(error("x = 1 +\n").msg, "invalid syntax");
    assert_eq!(error("x = 1 if y\n").msg, "expected 'else' after 'if' expression");
    assert_eq!(error("x = {1: 2, 3}").msg, "':' expected after dictionary key");
    assert_eq!(error("from x import a,").msg, "trailing comma not allowed without surrounding parentheses");
    assert_eq!(error("[*a for a in b]").msg, "iterable unpacking cannot be used in comprehension");
    let e = error("f(x for x in y, 1)");
    assert_eq!((e.msg.as_str(), e.span), ("Generator expression must be parenthesized", Span::new(2, 14)));
    assert_eq!(error("del *a").msg, "cannot delete starred");
}

#[test]
fn lexical_errors_come_through() {
    let e = error("s = 'abc\n");
    assert_eq!((e.msg.as_str(), e.span), ("unterminated string literal (detected at line 1)", Span::new(4, 8)));
    let e = error("s = '''abc\n");
    assert_eq!(e.msg, "unterminated triple-quoted string literal (detected at line 1)");
    assert!(e.incomplete);
    let e = error("x = (1, ]");
    assert_eq!(
        (e.msg.as_str(), e.span),
        ("closing parenthesis ']' does not match opening parenthesis '('", Span::new(8, 9))
    );
    let e = error("if x:\n    a\n  b\n");
    assert_eq!(
        (e.kind, e.msg.as_str()),
        (SyntaxErrorKind::IndentationError, "unindent does not match any outer indentation level")
    );
    let e = error("a\n    b\n");
    assert_eq!((e.kind.name(), e.msg.as_str()), ("IndentationError", "unexpected indent"));
    let e = error(&("x = ".to_string() + &"(".repeat(10_000) + &")".repeat(10_000)));
    assert_eq!(e.msg, "too many nested parentheses");
}

#[test]
fn incomplete_input_is_flagged_for_the_repl() {
    for src in ["if x:\n", "f(1,\n", "s = '''\n", "x = 1 + \\\n", "for x in y:\n    if x:\n"] {
        assert!(error(src).incomplete, "{src:?}");
    }
    for src in ["x = 1 +\n", "s = 'abc\n", "f(]\n", "f'{lambda x:1}'"] {
        assert!(!error(src).incomplete, "{src:?}");
    }
}

#[test]
fn deep_but_legal_nesting_parses() {
    let src = "x = ".to_string() + &"[".repeat(200) + &"]".repeat(200);
    assert!(parse(&src).is_ok());
}

/// Every program of the conformance corpus (the project's copy) must parse, except the cases
/// listed as not passing yet in `known_failures.txt`.
#[test]
fn conformance_corpus_parses() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let root = base.join("cases");
    let known = std::fs::read_to_string(base.join("known_failures.txt")).unwrap_or_default();
    let known: Vec<&str> = known.lines().filter_map(|l| l.split_whitespace().next()).collect();
    let Ok(groups) = std::fs::read_dir(&root) else { panic!("no corpus at {}", root.display()) };
    let mut failures = Vec::new();
    let mut count = 0;
    for group in groups.flatten() {
        for file in std::fs::read_dir(group.path()).into_iter().flatten().flatten() {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "coro") {
                count += 1;
                let id = format!(
                    "{}/{}",
                    group.file_name().to_string_lossy(),
                    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
                );
                let src = std::fs::read_to_string(&path).expect("readable case");
                if let (Err(e), false) = (parse(&src), known.contains(&id.as_str())) {
                    let line = src[..e.span.start as usize].matches('\n').count() + 1;
                    failures.push(format!("{}:{line}: {e}", path.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(count > 0, "no .coro files under {}", root.display());
}

#[test]
fn deep_chains_without_brackets_are_an_error_not_a_crash() {
    let n = 20_000;
    let sources = [
        format!("x = {}1\n", "-".repeat(n)),
        format!("x = 1{}\n", " + 1".repeat(n)),
        format!("x = 1{} +\n", " + 1".repeat(n)),
        format!("x{}\n", ".a".repeat(n)),
        format!("f{}\n", "()".repeat(n)),
        format!("x = {}1\n", "not ".repeat(n)),
        format!("x = {}1\n", "lambda: ".repeat(n)),
        format!("x = 1{}\n", " if x else 1".repeat(n)),
        format!("if x: pass\n{}", "elif x: pass\n".repeat(n)),
    ];
    for src in &sources {
        let e = error(src);
        assert!(
            e.msg == "maximum recursion depth exceeded during compilation" || e.msg == "invalid syntax",
            "{}: {e:?}",
            &src[..20]
        );
    }
    // CPython 3.11 compiles 2,998 levels and refuses 2,999.
    assert!(parse(&format!("x = 1{}\n", " + 1".repeat(2998))).is_ok());
    assert!(parse(&format!("x = {}1\n", "-".repeat(2998))).is_ok());
    assert!(parse(&format!("if x: pass\n{}", "elif x: pass\n".repeat(2900))).is_ok());
    let e = error(&format!("x = 1{}\n", " + 1".repeat(2999)));
    assert_eq!(
        (e.kind, e.msg.as_str()),
        (SyntaxErrorKind::RecursionError, "maximum recursion depth exceeded during compilation")
    );
}
