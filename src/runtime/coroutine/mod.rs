//! Generators, coroutines and async generators as the runtime sees them: their methods
//! (`send`, `throw`, `close`, `asend`, ...) and the async iteration protocol.

pub mod async_generators;
pub mod generators;
