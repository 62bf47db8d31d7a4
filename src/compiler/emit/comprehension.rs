//! Comprehensions and generator expressions: each is a code object of its own, called at once
//! with the outermost iterable.

use super::*;

impl<'a> Emitter<'a> {
    /// Comprehensions compile to a hidden function called with the first iterator.
    pub(super) fn comprehension(
        &mut self,
        e: &'a Expr,
        generators: &'a [Comprehension],
        kind: &str,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> R {
        let scope = self.table.scope_of(e);
        let name = format!("<{}>", kind);
        let qualname = self.child_qualname(&name);
        let mut child = Emitter::new(self.table, self.source.clone(), self.module, scope, &name, qualname);
        child.span = e.span;
        child.konst(Value::None);
        let is_gen = kind == "genexpr";
        // `[await f(x) for x in xs]` in a coroutine: the comprehension is itself a coroutine,
        // awaited where it is built.
        let parts = generators
            .iter()
            .skip(1)
            .map(|g| &g.iter)
            .chain(generators.iter().flat_map(|g| &g.ifs))
            .chain([elt])
            .chain(value);
        // With `async for` or `await` inside, a generator expression is an async generator;
        // other comprehensions are coroutines, awaited where they are built.
        let is_async = parts.into_iter().any(contains_await) || generators.iter().any(|g| g.is_async);
        if is_async && !is_gen && !self.is_async {
            return err("asynchronous comprehension outside of an asynchronous function", e.span);
        }
        child.is_async = is_async;
        match kind {
            "listcomp" => {
                child.emit(Op::BuildList(0));
            }
            "setcomp" => {
                child.emit(Op::BuildSet(0));
            }
            "dictcomp" => {
                child.emit(Op::BuildMap(0));
            }
            _ => {}
        }
        child.comp_loop(generators, 0, kind, elt, value)?;
        if is_gen {
            child.emit(Op::LoadNone);
        }
        child.emit(Op::Return);
        let flags = CodeFlags {
            is_generator: is_gen,
            is_coroutine: is_async && !is_gen,
            is_async_generator: is_async && is_gen,
            ..CodeFlags::default()
        };
        let code = child.finish(flags, 1, 0, 0, e.span);
        let idx = self.add_child(code);
        self.span = e.span;
        self.emit(Op::MakeFunction(idx, 0));
        self.expr(&generators[0].iter)?;
        self.span = generators[0].iter.span;
        self.emit(if generators[0].is_async { Op::GetAIter } else { Op::GetIter });
        self.span = e.span;
        self.emit(Op::Call(1));
        if is_async && !is_gen {
            self.emit_await();
        }
        Ok(())
    }

    pub(super) fn comp_loop(
        &mut self,
        gens: &'a [Comprehension],
        i: usize,
        kind: &str,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> R {
        let g = &gens[i];
        let head = if i == 0 {
            // The outermost iterable is evaluated outside and passed in, already an iterator.
            self.emit(Op::LoadFast(0));
            self.loop_next(g.is_async)
        } else {
            self.expr(&g.iter)?;
            self.loop_head(g.is_async)
        };
        let top = head.top;
        self.assign(&g.target)?;
        let mut skips = Vec::new();
        for cond in &g.ifs {
            skips.extend(self.jump_if(cond, false)?);
        }
        if i + 1 < gens.len() {
            self.comp_loop(gens, i + 1, kind, elt, value)?;
        } else {
            let depth = (i + 1) as u32 + 1;
            match kind {
                "genexpr" => {
                    self.expr(elt)?;
                    self.emit_yield();
                    self.emit(Op::Pop);
                }
                "listcomp" => {
                    self.expr(elt)?;
                    self.emit(Op::ListAppend(depth));
                }
                "setcomp" => {
                    self.expr(elt)?;
                    self.emit(Op::SetAdd(depth));
                }
                _ => {
                    self.expr(elt)?;
                    self.expr(value.expect("dict comprehension value"))?;
                    self.emit(Op::MapAdd(depth));
                }
            }
        }
        for s in skips {
            self.patch_to(s, top as u32);
        }
        self.emit(Op::Jump(top as u32));
        // The stack holds the collection being built (except for a generator expression)
        // and the iterators of this loop and those around it.
        let iter_depth = (i + 1) as u32 + u32::from(kind != "genexpr");
        self.loop_exit(head, iter_depth);
        Ok(())
    }

    // ---- expressions ----
}
