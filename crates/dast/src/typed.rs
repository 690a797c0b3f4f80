//! Typed handles: Rust values in, a Rust value out, with the Dast signature checked
//! against the Rust types once per version of the callee's module.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};

use dast_vm::{Program, Value};

use crate::{Error, Runtime};

/// A Rust type that can be passed to Dast. `DAST_TYPE` is the Dast type it matches,
/// spelled as [`dast_vm::Program::function_signature`] spells it.
pub trait ToValue {
    const DAST_TYPE: &'static str;
    fn to_value(self) -> Value;
}

/// A Rust type a Dast function can return.
pub trait FromValue: Sized {
    const DAST_TYPE: &'static str;
    fn from_value(value: Value) -> Result<Self, Error>;
}

/// The arguments of a typed call: a tuple of 0 to 4 [`ToValue`]s.
pub trait IntoArgs {
    /// The values, without allocating.
    type Values: AsRef<[Value]>;
    fn dast_types() -> Vec<&'static str>;
    fn into_values(self) -> Self::Values;
}

macro_rules! scalar {
    ($rust:ty, $dast:literal, $variant:ident, $wide:ty) => {
        impl ToValue for $rust {
            const DAST_TYPE: &'static str = $dast;
            fn to_value(self) -> Value {
                Value::$variant(<$wide>::from(self))
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
        }
    };
}

scalar!(i32, "i32", Int, i64);
scalar!(i64, "i64", Int, i64);
scalar!(u32, "u32", UInt, u64);
scalar!(u64, "u64", UInt, u64);
scalar!(bool, "bool", Bool, bool);

impl ToValue for f64 {
    const DAST_TYPE: &'static str = "f64";
    fn to_value(self) -> Value {
        Value::Float(self)
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
}

impl ToValue for f32 {
    const DAST_TYPE: &'static str = "f32";
    fn to_value(self) -> Value {
        Value::Float(self.into())
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

impl FromValue for () {
    const DAST_TYPE: &'static str = "()";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Unit => Ok(()),
            other => Err(mismatch("()", &other)),
        }
    }
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
    _types: PhantomData<fn(Params) -> Ret>,
}

impl<Params: IntoArgs, Ret: FromValue> TypedFunc<Params, Ret> {
    pub(crate) fn new(runtime: Runtime, module: &str, func: &str) -> Result<Self, Error> {
        let handle = TypedFunc {
            runtime,
            module: module.to_string(),
            func: func.to_string(),
            checked: AtomicU32::new(0),
            _types: PhantomData,
        };
        handle.runtime.with_worker(|w| handle.ensure_signature(w))?;
        handle.runtime.record(module, func);
        Ok(handle)
    }

    /// Calls the active version of the function, on this thread's worker.
    pub fn call(&self, args: Params) -> Result<Ret, Error> {
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
        let sig = program
            .function_signature(&self.module, &self.func)
            .ok_or_else(|| {
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
        self.checked.store(tag, Ordering::Relaxed);
        Ok(())
    }
}
