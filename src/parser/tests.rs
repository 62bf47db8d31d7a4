use super::*;

#[test]
fn conformance_smoke() {
    let Ok(dir) = std::fs::read_dir("/work/shared/conformance/cases") else { return };
    let mut failures = Vec::new();
    for group in dir.flatten() {
        for f in std::fs::read_dir(group.path()).unwrap().flatten() {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "coro") {
                let src = std::fs::read_to_string(&p).unwrap();
                if let Err(e) = parse(&src) {
                    let line = src[..e.span.start as usize].matches('\n').count() + 1;
                    failures.push(format!("{}:{line}: {e:?}", p.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
