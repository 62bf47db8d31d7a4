//! Shapes (hidden classes): the attribute names an instance has, in the order they were
//! added. Instances that got the same attributes in the same order share one shape and keep
//! only their values, so an inline cache can remember "shape S has `x` in slot i" and a hit
//! is an id compare plus an index.
//!
//! Shapes form a tree from the empty shape: adding a name moves an instance to a child shape.
//! They are never freed (an instance's table points at its shape without counting): the
//! tree is bounded by `MAX_SHAPES`, `MAX_SLOTS` and `MAX_CHILDREN`, and an instance that
//! would go past them keeps its attributes in a dictionary instead.

use crate::intern::Symbol;
use std::cell::{Cell, RefCell};

/// The most attributes a shape holds: slots fit in a hint's low 8 bits.
const MAX_SLOTS: usize = 64;
/// The most distinct shapes that may follow one shape (attribute names added after it).
const MAX_CHILDREN: usize = 32;
/// The most shapes ever made on a thread; ids fit in a hint's upper 24 bits.
const MAX_SHAPES: u32 = 1 << 16;

pub struct Shape {
    /// Unique on its thread, never reused: inline caches hold ids.
    id: u32,
    /// The attribute names; a name's position is its slot.
    keys: Box<[Symbol]>,
    children: RefCell<Vec<(Symbol, &'static Shape)>>,
    /// The first child, also kept outside `children` so that the common add (a class's
    /// instances get the same names in the same order) reads it without a borrow.
    first_child: Cell<Option<(Symbol, &'static Shape)>>,
}

thread_local! {
    static EMPTY: &'static Shape = Box::leak(Box::new(Shape::new(0, Box::new([]))));
    static SHAPES_MADE: Cell<u32> = const { Cell::new(1) };
}

impl Shape {
    fn new(id: u32, keys: Box<[Symbol]>) -> Shape {
        Shape { id, keys, children: RefCell::default(), first_child: Cell::new(None) }
    }

    /// The shape of an instance with no attributes.
    pub fn empty() -> &'static Shape {
        EMPTY.with(|e| *e)
    }

    pub fn keys(&self) -> &[Symbol] {
        &self.keys
    }

    pub fn slot_of(&self, name: Symbol) -> Option<usize> {
        self.keys.iter().position(|k| *k == name)
    }

    /// The shape with `name` added after this one's names; None past the limits.
    pub fn with(&'static self, name: Symbol) -> Option<&'static Shape> {
        let mut children = self.children.borrow_mut();
        if let Some((_, child)) = children.iter().find(|(k, _)| *k == name) {
            return Some(child);
        }
        let made = SHAPES_MADE.with(|m| m.get());
        if self.keys.len() >= MAX_SLOTS || children.len() >= MAX_CHILDREN || made >= MAX_SHAPES {
            return None;
        }
        SHAPES_MADE.with(|m| m.set(made + 1));
        let keys = self.keys.iter().copied().chain(std::iter::once(name)).collect();
        let child: &'static Shape = Box::leak(Box::new(Shape::new(made, keys)));
        children.push((name, child));
        if children.len() == 1 {
            self.first_child.set(Some((name, child)));
        }
        Some(child)
    }

    /// The name and shape that were first added after this one.
    #[inline(always)]
    pub fn first_child(&self) -> Option<(Symbol, &'static Shape)> {
        self.first_child.get()
    }

    /// An inline-cache hint for `slot` of this shape: the shape's key in the upper bits, the
    /// slot in the lower 8. A fresh hint, 0, names no slot: the empty shape has none.
    pub fn hint(&self, slot: usize) -> u32 {
        self.key() | slot as u32
    }

    /// The part of a hint that names its shape.
    pub fn key(&self) -> u32 {
        self.id << 8
    }

    #[inline(always)]
    pub fn hint_key(hint: u32) -> u32 {
        hint & !0xff
    }

    #[inline(always)]
    pub fn hint_slot(hint: u32) -> usize {
        (hint & 0xff) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intern::intern;

    #[test]
    fn same_names_in_same_order_share_a_shape() {
        let (x, y) = (intern("shape_test_x"), intern("shape_test_y"));
        let a = Shape::empty().with(x).unwrap().with(y).unwrap();
        let b = Shape::empty().with(x).unwrap().with(y).unwrap();
        assert!(std::ptr::eq(a, b));
        assert_eq!(a.keys(), &[x, y]);
        assert_eq!(a.slot_of(y), Some(1));
    }

    #[test]
    fn another_order_is_another_shape() {
        let (x, y) = (intern("shape_test_p"), intern("shape_test_q"));
        let xy = Shape::empty().with(x).unwrap().with(y).unwrap();
        let yx = Shape::empty().with(y).unwrap().with(x).unwrap();
        assert!(!std::ptr::eq(xy, yx));
        assert_eq!(yx.slot_of(x), Some(1));
    }

    #[test]
    fn hints_match_only_their_shape() {
        let x = intern("shape_test_h");
        let s = Shape::empty().with(x).unwrap();
        let hint = s.hint(0);
        assert_eq!(Shape::hint_key(hint), s.key());
        assert_eq!(Shape::hint_slot(hint), 0);
        assert_ne!(Shape::hint_key(0), s.key());
    }

    #[test]
    fn too_many_slots_gives_no_shape() {
        let mut s = Shape::empty();
        for i in 0..MAX_SLOTS {
            s = s.with(intern(&format!("shape_test_slot{i}"))).unwrap();
        }
        assert!(s.with(intern("shape_test_one_more")).is_none());
    }

    #[test]
    fn too_many_children_gives_no_shape() {
        let base = Shape::empty().with(intern("shape_test_parent")).unwrap();
        for i in 0..MAX_CHILDREN {
            assert!(base.with(intern(&format!("shape_test_child{i}"))).is_some());
        }
        assert!(base.with(intern("shape_test_child_extra")).is_none());
    }
}
