//! The `itertools` module, natively, as CPython writes it in C: each iterator type is a
//! state machine stepped by `drive`, so chaining, slicing and grouping native iterators
//! runs no script code and allocates nothing per item beyond what it yields.
//!
//! `infinite.rs`: count, cycle, repeat. `filtering.rs`: accumulate, compress, dropwhile,
//! takewhile, filterfalse, starmap. `chaining.rs`: chain, islice, pairwise, zip_longest.
//! `groupby.rs`, `tee.rs`, and `combinatoric.rs`: product, permutations, combinations.

mod args;
mod chaining;
mod combinatoric;
mod drive;
mod filtering;
mod groupby;
mod infinite;
mod tee;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::module::Module;
use crate::runtime::define::native;
use crate::value::Value;
use std::rc::Rc;

struct Classes {
    /// The types the module exports, by name.
    public: Vec<(&'static str, Rc<Class>)>,
    grouper: Rc<Class>,
    tee: Rc<Class>,
}

thread_local! {
    static CLASSES: Classes = Classes {
        public: vec![
            ("accumulate", filtering::accumulate_class()),
            ("chain", chaining::chain_class()),
            ("combinations", combinatoric::combinations_class::<false>()),
            ("combinations_with_replacement", combinatoric::combinations_class::<true>()),
            ("compress", filtering::compress_class()),
            ("count", infinite::count_class()),
            ("cycle", infinite::cycle_class()),
            ("dropwhile", filtering::predicate_class::<{ filtering::DROPWHILE }>()),
            ("filterfalse", filtering::predicate_class::<{ filtering::FILTERFALSE }>()),
            ("groupby", groupby::groupby_class()),
            ("islice", chaining::islice_class()),
            ("pairwise", chaining::pairwise_class()),
            ("permutations", combinatoric::permutations_class()),
            ("product", combinatoric::product_class()),
            ("repeat", infinite::repeat_class()),
            ("starmap", filtering::starmap_class()),
            ("takewhile", filtering::predicate_class::<{ filtering::TAKEWHILE }>()),
            ("zip_longest", chaining::zip_longest_class()),
        ],
        grouper: groupby::grouper_class(),
        tee: tee::tee_class(),
    };
}

fn grouper_class() -> Rc<Class> {
    CLASSES.with(|c| c.grouper.clone())
}

fn tee_class() -> Rc<Class> {
    CLASSES.with(|c| c.tee.clone())
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("itertools")));
    m.set(intern("__name__"), Value::str("itertools"));
    CLASSES.with(|c| {
        for (name, class) in &c.public {
            m.set(intern(name), Value::Class(class.clone()));
        }
        m.set(intern("_grouper"), Value::Class(c.grouper.clone()));
        m.set(intern("_tee"), Value::Class(c.tee.clone()));
    });
    m.set(intern("tee"), native("tee", tee::tee));
    m
}
