//! Typed handles: Rust values in, a Rust value out, with the Dast signature checked
//! against the Rust types once per version of the callee's module.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use dast_vm::{Entry, Program, Value};

use crate::{Error, Runtime};

/// A Rust type that can be passed to Dast. `DAST_TYPE` is the Dast type it matches,
/// spelled as [`dast_vm::Program::function_signature`] spells it.
pub trait ToValue {
    const DAST_TYPE: &'static str;
    fn to_value(self) -> Value;
    /// The value as the VM's one word, for a scalar type (the fast call path).
    fn to_word(&self) -> Option<u64> {
        None
    }
}

/// A Rust type a Dast function can return.
pub trait FromValue: Sized {
    const DAST_TYPE: &'static str;
    fn from_value(value: Value) -> Result<Self, Error>;
    /// How many words the value is, for `()` and scalar types (the fast call path).
    const WORDS: Option<usize> = None;
    /// The value from its words (`WORDS` of them).
    fn from_words(words: &[u64]) -> Self {
        let _ = words;
        unreachable!("only called for types with `WORDS`")
    }
}

/// The arguments of a typed call: a tuple of 0 to 4 [`ToValue`]s.
pub trait IntoArgs {
    /// The values, without allocating.
    type Values: AsRef<[Value]>;
    fn dast_types() -> Vec<&'static str>;
    fn into_values(self) -> Self::Values;
    /// The arguments as words into `out`, if every one is a scalar: how many.
    fn to_words(&self, out: &mut [u64; 4]) -> Option<usize>;
}

macro_rules! scalar {
    ($rust:ty, $dast:literal, $variant:ident, $wide:ty, |$x:ident| $word:expr, |$w:ident| $back:expr) => {
        impl ToValue for $rust {
            const DAST_TYPE: &'static str = $dast;
            fn to_value(self) -> Value {
                Value::$variant(<$wide>::from(self))
            }
            fn to_word(&self) -> Option<u64> {
                let $x = *self;
                Some($word)
            }
        }

        impl FromValue for $rust {
            const DAST_TYPE: &'static str = $dast;
            fn from_value(value: Value) -> Result<Self, Error> {
                match value {
                    Value::$variant(x) => <$rust>::try_from(x).map_err(|_| mismatch($dast, &value)),
                    other => Err(mismatch($dast, &other)),
                }
            }
            const WORDS: Option<usize> = Some(1);
            fn from_words(words: &[u64]) -> Self {
                let $w = words[0];
                $back
            }
        }
    };
}

// Words as the VM keeps them: integers sign- or zero-extended to 64 bits, `bool` 0 or 1.
scalar!(i32, "i32", Int, i64, |x| x as i64 as u64, |w| w as i32);
scalar!(i64, "i64", Int, i64, |x| x as u64, |w| w as i64);
scalar!(u32, "u32", UInt, u64, |x| u64::from(x), |w| w as u32);
scalar!(u64, "u64", UInt, u64, |x| x, |w| w);
scalar!(bool, "bool", Bool, bool, |x| u64::from(x), |w| w != 0);

impl ToValue for f64 {
    const DAST_TYPE: &'static str = "f64";
    fn to_value(self) -> Value {
        Value::Float(self)
    }
    fn to_word(&self) -> Option<u64> {
        Some(self.to_bits())
    }
}

impl FromValue for f64 {
    const DAST_TYPE: &'static str = "f64";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Float(x) => Ok(x),
            other => Err(mismatch("f64", &other)),
        }
    }
    const WORDS: Option<usize> = Some(1);
    fn from_words(words: &[u64]) -> Self {
        f64::from_bits(words[0])
    }
}

impl ToValue for f32 {
    const DAST_TYPE: &'static str = "f32";
    fn to_value(self) -> Value {
        Value::Float(self.into())
    }
    fn to_word(&self) -> Option<u64> {
        Some(u64::from(self.to_bits()))
    }
}

impl FromValue for f32 {
    const DAST_TYPE: &'static str = "f32";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            // `f32` values travel widened to f64; narrowing back is exact.
            Value::Float(x) => Ok(x as f32),
            other => Err(mismatch("f32", &other)),
        }
    }
    const WORDS: Option<usize> = Some(1);
    fn from_words(words: &[u64]) -> Self {
        f32::from_bits(words[0] as u32)
    }
}

impl ToValue for String {
    const DAST_TYPE: &'static str = "String";
    fn to_value(self) -> Value {
        Value::Str(self)
    }
}

impl ToValue for &str {
    const DAST_TYPE: &'static str = "String";
    fn to_value(self) -> Value {
        Value::Str(self.to_string())
    }
}

impl FromValue for String {
    const DAST_TYPE: &'static str = "String";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Str(s) => Ok(s),
            other => Err(mismatch("String", &other)),
        }
    }
}

impl ToValue for () {
    const DAST_TYPE: &'static str = "()";
    fn to_value(self) -> Value {
        Value::Unit
    }
}

impl FromValue for () {
    const DAST_TYPE: &'static str = "()";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Unit => Ok(()),
            other => Err(mismatch("()", &other)),
        }
    }
    const WORDS: Option<usize> = Some(0);
    fn from_words(_: &[u64]) -> Self {}
}

fn mismatch(expected: &str, got: &Value) -> Error {
    Error::Signature(format!("expected a Dast `{expected}`, got `{got}`"))
}

macro_rules! tuple_args {
    ($n:literal $(, $t:ident $i:tt)*) => {
        impl<$($t: ToValue),*> IntoArgs for ($($t,)*) {
            type Values = [Value; $n];
            fn dast_types() -> Vec<&'static str> {
                vec![$($t::DAST_TYPE),*]
            }
            #[allow(clippy::unused_unit)]
            fn into_values(self) -> [Value; $n] {
                [$(self.$i.to_value()),*]
            }
            #[allow(unused_variables)]
            fn to_words(&self, out: &mut [u64; 4]) -> Option<usize> {
                $(out[$i] = self.$i.to_word()?;)*
                Some($n)
            }
        }
    };
}

tuple_args!(0);
tuple_args!(1, A 0);
tuple_args!(2, A 0, B 1);
tuple_args!(3, A 0, B 1, C 2);
tuple_args!(4, A 0, B 1, C 2, D 3);

/// A function of a module, callable with Rust values (see
/// [`Runtime::get_typed_func`]). It names the function, so it stays valid across
/// reloads and always calls the active version; when that version changed the
/// signature, the call is refused with [`Error::Signature`] instead of running.
pub struct TypedFunc<Params, Ret> {
    runtime: Runtime,
    module: String,
    func: String,
    /// The instance (version) whose signature was last checked, plus one; 0 = none.
    checked: AtomicU32,
    /// The checked [`Entry`] of a scalar signature (packed; 0 = none yet).
    entry: AtomicU64,
    _types: PhantomData<fn(Params) -> Ret>,
}

impl<Params: IntoArgs, Ret: FromValue> TypedFunc<Params, Ret> {
    pub(crate) fn new(runtime: Runtime, module: &str, func: &str) -> Result<Self, Error> {
        let handle = TypedFunc {
            runtime,
            module: module.to_string(),
            func: func.to_string(),
            checked: AtomicU32::new(0),
            entry: AtomicU64::new(0),
            _types: PhantomData,
        };
        handle.runtime.with_worker(|w| handle.ensure_signature(w))?;
        handle.runtime.record(module, func);
        Ok(handle)
    }

    /// Calls the active version of the function, on this thread's worker.
    pub fn call(&self, args: Params) -> Result<Ret, Error> {
        let mut words = [0u64; 4];
        if let (Some(n), Some(results)) = (args.to_words(&mut words), Ret::WORDS) {
            return self.call_words(&words[..n], results);
        }
        let values = args.into_values();
        let result = self.runtime.with_worker(|w| -> Result<Value, Error> {
            self.ensure_signature(w)?;
            w.call(&self.module, &self.func, values.as_ref())
                .map_err(Error::Panic)
        });
        let result = match result {
            Err(Error::Panic(panic)) => {
                return Err(self.runtime.answer_panic(&self.module, &self.func, panic))
            }
            other => other?,
        };
        Ret::from_value(result)
    }

    /// The fast path of scalar signatures: the function's [`Entry`] (resolved and
    /// checked once per version) called with words.
    fn call_words(&self, args: &[u64], results: usize) -> Result<Ret, Error> {
        let mut out = [0u64; 1];
        let ran = self.runtime.with_worker(|w| loop {
            let entry = match Entry::unpack(self.entry.load(Ordering::Acquire)) {
                Some(entry) => entry,
                None => self.resolve(w)?,
            };
            match w.call_entry(entry, args, &mut out[..results]) {
                Ok(true) => return Ok(()),
                Ok(false) => self.entry.store(0, Ordering::Release),
                Err(panic) => return Err(Error::Panic(panic)),
            }
        });
        match ran {
            Ok(()) => Ok(Ret::from_words(&out[..results])),
            Err(Error::Panic(panic)) => {
                Err(self.runtime.answer_panic(&self.module, &self.func, panic))
            }
            Err(e) => Err(e),
        }
    }

    /// The entry of the active version, its signature checked against the handle's.
    fn resolve(&self, program: &mut Program) -> Result<Entry, Error> {
        let Some(entry) = program.entry(&self.module, &self.func) else {
            // Not a scalar function (or gone): the checks say why.
            self.ensure_signature(program)?;
            return Err(Error::Signature(format!(
                "`{}.{}` cannot be called with words",
                self.module, self.func
            )));
        };
        let sig = program.instance_signature(entry.instance(), &self.func);
        self.check(sig)?;
        self.entry.store(entry.pack(), Ordering::Release);
        Ok(entry)
    }

    /// Checks the signature when the active version is not the one checked last
    /// (first call, or after a reload), so steady-state calls pay one lookup.
    fn ensure_signature(&self, program: &mut Program) -> Result<(), Error> {
        program.refresh();
        let active = program
            .instance_of(&self.module)
            .ok_or_else(|| Error::Signature(format!("no module `{}` is loaded", self.module)))?;
        let tag = active.index() as u32 + 1;
        if self.checked.load(Ordering::Relaxed) == tag {
            return Ok(());
        }
        self.check(program.function_signature(&self.module, &self.func))?;
        self.checked.store(tag, Ordering::Relaxed);
        Ok(())
    }

    /// Refuses a signature that is not the handle's (or none: no such function).
    fn check(&self, sig: Option<dast_vm::FunctionSignature>) -> Result<(), Error> {
        let sig = sig.ok_or_else(|| {
            Error::Signature(format!(
                "module `{}` exports no function `{}`",
                self.module, self.func
            ))
        })?;
        let wanted = Params::dast_types();
        if sig.params != wanted || sig.ret != Ret::DAST_TYPE {
            return Err(Error::Signature(format!(
                "`{}.{}` is `fn({}) -> {}`, but the handle was asked for `fn({}) -> {}`",
                self.module,
                self.func,
                sig.params.join(", "),
                sig.ret,
                wanted.join(", "),
                Ret::DAST_TYPE
            )));
        }
        Ok(())
    }
}
