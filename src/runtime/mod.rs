//! The runtime: builtin classes, exceptions, and the protocols (repr, equality, iteration)
//! that natives and the VM share.

pub mod alloc;
pub mod args;
pub mod class_builder;
pub mod codecs;
pub mod completions;
pub mod coroutine;
pub mod define;
pub mod descriptors;
pub mod exc_type;
pub mod exception_fields;
pub mod exception_groups;
pub mod exceptions;
pub mod generic_alias;
pub mod os_error;
pub mod output;
pub mod protocol;
pub mod slot_wrappers;
pub mod slots;
pub mod traceback;
pub mod traceback_objects;
pub mod type_object;
pub mod types;
pub mod weak;

pub use exc_type::ExcType;
pub use types::{type_name, types};
