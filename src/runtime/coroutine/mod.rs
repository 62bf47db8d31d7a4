//! Generators, coroutines and async generators as the runtime sees them: their methods
//! (`send`, `throw`, `close`, `asend`, ...), the async iteration protocol, the await
//! protocol and the `Awaitable` trait that native awaitables implement.

pub mod async_generators;
pub mod await_protocol;
pub mod awaitable;
pub mod generators;
pub mod hooks;

pub use await_protocol::{await_step, await_thrown, can_await, describe_wait, get_awaitable, shown_to_script};
pub use awaitable::{new_awaitable, with_awaitable, with_awaitable_in, AwaitCell, AwaitStep, Awaitable};
