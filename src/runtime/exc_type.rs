//! Typed handles for the builtin exception classes: `types().exc(ExcType::ValueError)`
//! instead of a name looked up at run time, so that a typo is a compile error.

macro_rules! builtin_exceptions {
    ($($name:ident $(($base:ident))?),* $(,)?) => {
        /// A builtin exception class. The order puts each base before its subclasses.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ExcType {
            $($name),*
        }

        impl ExcType {
            pub const ALL: &'static [ExcType] = &[$(ExcType::$name),*];

            /// The class's Python name.
            pub fn name(self) -> &'static str {
                match self {
                    $(ExcType::$name => stringify!($name)),*
                }
            }

            /// The builtin exception class with this Python name.
            pub fn from_name(name: &str) -> Option<ExcType> {
                match name {
                    $(stringify!($name) => Some(ExcType::$name),)*
                    _ => None,
                }
            }

            /// The single base class (`None` for `BaseException`, whose base is `object`).
            pub fn base(self) -> Option<ExcType> {
                match self {
                    $(ExcType::$name => builtin_exceptions!(@base $($base)?)),*
                }
            }
        }
    };
    (@base) => { None };
    (@base $base:ident) => { Some(ExcType::$base) };
}

builtin_exceptions! {
    BaseException,
    SystemExit(BaseException),
    KeyboardInterrupt(BaseException),
    GeneratorExit(BaseException),
    BaseExceptionGroup(BaseException),
    Exception(BaseException),
    ExceptionGroup(Exception),
    StopIteration(Exception),
    StopAsyncIteration(Exception),
    ArithmeticError(Exception),
    FloatingPointError(ArithmeticError),
    OverflowError(ArithmeticError),
    ZeroDivisionError(ArithmeticError),
    AssertionError(Exception),
    AttributeError(Exception),
    BufferError(Exception),
    EOFError(Exception),
    ImportError(Exception),
    ModuleNotFoundError(ImportError),
    LookupError(Exception),
    IndexError(LookupError),
    KeyError(LookupError),
    MemoryError(Exception),
    NameError(Exception),
    UnboundLocalError(NameError),
    OSError(Exception),
    ConnectionError(OSError),
    BrokenPipeError(ConnectionError),
    ConnectionAbortedError(ConnectionError),
    ConnectionRefusedError(ConnectionError),
    ConnectionResetError(ConnectionError),
    FileExistsError(OSError),
    FileNotFoundError(OSError),
    PermissionError(OSError),
    TimeoutError(OSError),
    BlockingIOError(OSError),
    ChildProcessError(OSError),
    InterruptedError(OSError),
    IsADirectoryError(OSError),
    NotADirectoryError(OSError),
    ProcessLookupError(OSError),
    ReferenceError(Exception),
    RuntimeError(Exception),
    NotImplementedError(RuntimeError),
    RecursionError(RuntimeError),
    SyntaxError(Exception),
    IndentationError(SyntaxError),
    TabError(IndentationError),
    SystemError(Exception),
    TypeError(Exception),
    ValueError(Exception),
    UnicodeError(ValueError),
    UnicodeDecodeError(UnicodeError),
    UnicodeEncodeError(UnicodeError),
    Warning(Exception),
    UserWarning(Warning),
    DeprecationWarning(Warning),
    RuntimeWarning(Warning),
    PendingDeprecationWarning(Warning),
    SyntaxWarning(Warning),
    FutureWarning(Warning),
    ImportWarning(Warning),
    UnicodeWarning(Warning),
    BytesWarning(Warning),
    ResourceWarning(Warning),
    EncodingWarning(Warning),
}

#[cfg(test)]
mod tests {
    use super::ExcType;

    #[test]
    fn every_base_comes_before_its_subclasses() {
        for (i, t) in ExcType::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
            if let Some(base) = t.base() {
                assert!((base as usize) < i, "{} before its base", t.name());
            }
            assert_eq!(ExcType::from_name(t.name()), Some(*t));
        }
    }
}
