//! A verified module -> one relocatable object file (bodies, entries, init, metadata).

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use cranelift_codegen::ir::{Function as IrFunction, Signature as IrSignature, UserFuncName};
use cranelift_codegen::isa::{OwnedTargetIsa, TargetFrontendConfig, TargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_module::{
    default_libcall_names, DataDescription, DataId, FuncId, Linkage, Module as _,
};
use cranelift_object::{ObjectBuilder, ObjectModule};
use dast_bytecode::{signature_layouts, Inst, Module, VerifyError};

use crate::inline::{inline_calls, Inlined};
use crate::subset::{classify, Unsupported};
use crate::translate::{
    body_signature, entry_signature, init_signature, translate_body, translate_entry,
    translate_host_stub, translate_init, translate_thunk, BodyEnv, HostStub, ImportCall, Shape,
    StubRequest,
};
use dast_abi as abi;

/// How to compile.
#[derive(Clone, Debug)]
pub struct Options {
    /// Cranelift's `opt_level=speed` and inlining of small functions (else `none` and
    /// no inlining: the fastest compile).
    pub optimize: bool,
    /// Run Cranelift's IR verifier on every function (about 30% slower compiles).
    pub verify_ir: bool,
    /// Modules whose functions this module calls *directly* (release without hot
    /// reload): a `call` bound once by the dynamic linker to the callee library's
    /// exported body, no slot, no count. The library must then be linked against theirs
    /// ([`crate::link_shared_object_with`]). Calls into every other module go through
    /// the import's slot, which the host points at the active version of the callee
    /// (hot reload, hybrid, import cycles).
    pub direct_imports: BTreeSet<String>,
    /// Count fuel at function entries and backward jumps, so a host's limits (fuel,
    /// time, interrupts) stop runaway calls; off, the code has no such check at all.
    pub limits: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            optimize: true,
            verify_ir: cfg!(debug_assertions),
            direct_imports: BTreeSet::new(),
            limits: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompileError {
    /// The module did not pass `dast_bytecode::verify` (native code is only ever made
    /// from verified bytecode).
    Verify(VerifyError),
    /// A function uses an instruction this backend does not compile (every instruction
    /// a verified module may hold compiles: this guards against a new one that the
    /// backend has not learnt).
    Unsupported {
        function: String,
        pc: Option<u32>,
        instruction: String,
    },
    /// This machine's architecture or OS has no native backend.
    UnsupportedHost(String),
    /// Cranelift refused a function or the object could not be written (a bug here).
    Codegen { function: String, message: String },
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Verify(e) => write!(f, "invalid bytecode: {e}"),
            CompileError::Unsupported {
                function,
                pc,
                instruction,
            } => {
                write!(
                    f,
                    "function `{function}` cannot be compiled to native code yet: "
                )?;
                match pc {
                    Some(pc) => write!(f, "instruction {pc} `{instruction}` is not supported"),
                    None => write!(f, "{instruction} is not supported"),
                }
            }
            CompileError::UnsupportedHost(what) => write!(f, "no native backend for {what}"),
            CompileError::Codegen { function, message } => {
                write!(
                    f,
                    "native code generation failed in `{function}`: {message}"
                )
            }
        }
    }
}

impl std::error::Error for CompileError {}

impl From<Unsupported> for CompileError {
    fn from(u: Unsupported) -> Self {
        CompileError::Unsupported {
            function: u.function,
            pc: u.pc,
            instruction: u.instruction,
        }
    }
}

/// FNV-1a of the module's `.dbc` encoding: ties an object to the exact bytecode (so its
/// function indices, names and line tables mean what the loader thinks they mean).
pub fn fingerprint(module: &Module) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in dast_bytecode::encode(module) {
        h ^= byte as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

// The runtime table has one entry per float function of the bytecode.
const _: () = {
    assert!(abi::FUNARY_COUNT == dast_bytecode::FUnary::ALL.len());
    assert!(abi::FBINARY_COUNT == dast_bytecode::FBinary::ALL.len());
};

fn codegen_error(function: &str, e: impl fmt::Display) -> CompileError {
    CompileError::Codegen {
        function: function.to_string(),
        message: e.to_string(),
    }
}

/// Compiles every function of `module` (see the crate docs for the subset and the
/// conventions) into an ELF relocatable object for this machine.
pub fn compile(module: &Module, opts: &Options) -> Result<Vec<u8>, CompileError> {
    dast_bytecode::verify(module).map_err(CompileError::Verify)?;
    if let Some(why) = classify(module).into_iter().flatten().next() {
        return Err(why.into());
    }
    let isa = host_isa(opts)?;
    let mut c = ObjectCompiler::new(module, isa, &opts.direct_imports)?;
    c.limits = opts.limits;
    c.declare_bodies()?;
    c.define_host_stubs()?;
    c.define_dyn_stubs()?;
    for (index, f) in module.functions.iter().enumerate() {
        c.define_body(index as u32, native_rounding(), opts.optimize)?;
        if f.exported || module.is_initializer(index) || module.is_shim(index) {
            c.define_entry(index as u32)?;
        }
        if f.exported {
            c.define_thunk(index as u32)?;
        }
    }
    c.define_init()?;
    c.define_metadata()?;
    c.finish()
}

/// Whether `floor`/`ceil`/`trunc` are single instructions on this CPU.
fn native_rounding() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sse4.1")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        true
    }
}

/// Cranelift's ISA for this machine: position-independent code (mandatory in a shared
/// object), no unwind info (it breaks `-z text`, and nothing unwinds through Dast code),
/// and the CPU features the objects may use (they are only ever built and run here).
fn host_isa(opts: &Options) -> Result<OwnedTargetIsa, CompileError> {
    let triple = match (std::env::consts::ARCH, std::env::consts::OS) {
        ("x86_64", "linux") => "x86_64-unknown-linux-gnu",
        ("aarch64", "linux") => "aarch64-unknown-linux-gnu",
        (arch, os) => return Err(CompileError::UnsupportedHost(format!("{arch}-{os}"))),
    };
    let host = |e: &dyn fmt::Display| CompileError::UnsupportedHost(format!("{triple}: {e}"));
    let mut flags = settings::builder();
    let opt = if opts.optimize { "speed" } else { "none" };
    let verifier = if opts.verify_ir { "true" } else { "false" };
    for (name, value) in [
        ("is_pic", "true"),
        ("opt_level", opt),
        ("enable_verifier", verifier),
        ("unwind_info", "false"),
    ] {
        flags.set(name, value).map_err(|e| host(&e))?;
    }
    let mut isa = cranelift_codegen::isa::lookup_by_name(triple).map_err(|e| host(&e))?;
    enable_cpu_features(&mut isa);
    isa.finish(settings::Flags::new(flags))
        .map_err(|e| host(&e))
}

#[cfg(target_arch = "x86_64")]
fn enable_cpu_features(isa: &mut cranelift_codegen::isa::Builder) {
    use std::arch::is_x86_feature_detected as has;
    let features = [
        ("has_sse3", has!("sse3")),
        ("has_ssse3", has!("ssse3")),
        ("has_sse41", has!("sse4.1")),
        ("has_sse42", has!("sse4.2")),
        ("has_popcnt", has!("popcnt")),
        ("has_bmi1", has!("bmi1")),
        ("has_bmi2", has!("bmi2")),
        ("has_lzcnt", has!("lzcnt")),
    ];
    for (name, present) in features {
        if present {
            // A flag this Cranelift does not know is no reason to fail: skip it.
            let _ = isa.enable(name);
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn enable_cpu_features(_isa: &mut cranelift_codegen::isa::Builder) {}

/// The object being built, with the ids of what it declared.
struct ObjectCompiler<'m> {
    module: &'m Module,
    obj: ObjectModule,
    shapes: Vec<Shape>,
    bodies: HashMap<u32, FuncId>,
    table_slot: DataId,
    module_slot: DataId,
    import_slots: DataId,
    /// Per import: its shape, and the callee's exported body when called directly.
    imports: Vec<(Shape, Option<FuncId>)>,
    host_stubs: Vec<FuncId>,
    /// Per `call_dyn` request this module makes: its stub and shape.
    dyn_stubs: HashMap<u32, (FuncId, Shape)>,
    /// [`Options::limits`].
    limits: bool,
    ctx: Context,
    fb_ctx: FunctionBuilderContext,
}

pub(crate) fn shape_of(module: &Module, sig: &dast_bytecode::Signature) -> Shape {
    let (params, results) = signature_layouts(sig, |t| module.layout(t));
    Shape {
        params: params.words,
        results: results.words,
        result_refs: results.refs,
    }
}

impl<'m> ObjectCompiler<'m> {
    fn new(
        module: &'m Module,
        isa: OwnedTargetIsa,
        direct: &BTreeSet<String>,
    ) -> Result<Self, CompileError> {
        let err = |e| codegen_error(&module.name, e);
        let builder = ObjectBuilder::new(isa, module.name.clone(), default_libcall_names())
            .map_err(|e| codegen_error(&module.name, e))?;
        let mut obj = ObjectModule::new(builder);
        let table_slot = obj
            .declare_data(abi::SYM_TABLE_SLOT, Linkage::Local, true, false)
            .map_err(err)?;
        let module_slot = obj
            .declare_data(abi::SYM_MODULE_SLOT, Linkage::Local, true, false)
            .map_err(err)?;
        let import_slots = obj
            .declare_data(abi::SYM_IMPORT_SLOTS, Linkage::Export, true, false)
            .map_err(err)?;
        let shapes = module
            .functions
            .iter()
            .map(|f| shape_of(module, &f.sig))
            .collect();
        let call_conv = obj.isa().default_call_conv();
        let mut imports = Vec::new();
        for imp in &module.imports {
            let shape = shape_of(module, &imp.sig);
            let callee = if direct.contains(&imp.module) {
                let sig = body_signature(call_conv, shape);
                let name = abi::export_symbol(&imp.module, &imp.name);
                Some(
                    obj.declare_function(&name, Linkage::Import, &sig)
                        .map_err(err)?,
                )
            } else {
                None
            };
            imports.push((shape, callee));
        }
        Ok(ObjectCompiler {
            module,
            ctx: obj.make_context(),
            obj,
            shapes,
            bodies: HashMap::new(),
            table_slot,
            module_slot,
            import_slots,
            imports,
            host_stubs: Vec::new(),
            dyn_stubs: HashMap::new(),
            limits: false,
            fb_ctx: FunctionBuilderContext::new(),
        })
    }

    fn isa(&self) -> &dyn TargetIsa {
        self.obj.isa()
    }

    /// Bodies of private functions are module-local; those of exported functions are
    /// exported under [`abi::export_symbol`] for other modules' direct calls. Calls
    /// within the module are direct either way (`-Bsymbolic` binds them locally).
    fn declare_bodies(&mut self) -> Result<(), CompileError> {
        let call_conv = self.isa().default_call_conv();
        for (index, f) in self.module.functions.iter().enumerate() {
            let sig = body_signature(call_conv, self.shapes[index]);
            let (name, linkage) = if f.exported {
                let name = abi::export_symbol(&self.module.name, &f.name);
                (name, Linkage::Export)
            } else {
                (abi::body_symbol(index as u32), Linkage::Local)
            };
            let id = self
                .obj
                .declare_function(&name, linkage, &sig)
                .map_err(|e| codegen_error(&f.name, e))?;
            self.bodies.insert(index as u32, id);
        }
        Ok(())
    }

    fn define_body(
        &mut self,
        index: u32,
        native_rounding: bool,
        inline: bool,
    ) -> Result<(), CompileError> {
        let f = &self.module.functions[index as usize];
        let call_conv = self.isa().default_call_conv();
        self.obj.clear_context(&mut self.ctx);
        self.ctx.func.signature = body_signature(call_conv, self.shapes[index as usize]);
        self.ctx.func.name = UserFuncName::user(0, index);
        let bodies = &self.bodies;
        let inlined = if inline {
            inline_calls(self.module, &self.shapes, index, &|callee| {
                bodies.contains_key(&callee)
            })
        } else {
            Inlined::unchanged(f)
        };
        let mut callees = HashMap::new();
        let mut imports = HashMap::new();
        let mut dyn_stubs = HashMap::new();
        for inst in &inlined.function.code {
            let request = match *inst {
                Inst::CallDyn { m, .. } => Some(m.0),
                Inst::Intrinsic {
                    op: dast_bytecode::Intrinsic::Instantiate,
                    ty,
                    ..
                } => Some(abi::INSTANTIATE | ty.0),
                _ => None,
            };
            if let Some(request) = request {
                let (id, shape) = self.dyn_stubs[&request];
                dyn_stubs.entry(request).or_insert_with(|| {
                    (self.obj.declare_func_in_func(id, &mut self.ctx.func), shape)
                });
            }
            match *inst {
                Inst::Call { func, .. } if !callees.contains_key(&func.0) => {
                    let id = self.bodies[&func.0];
                    callees.insert(
                        func.0,
                        self.obj.declare_func_in_func(id, &mut self.ctx.func),
                    );
                }
                Inst::CallImport { import, .. } if !imports.contains_key(&import.0) => {
                    let (shape, callee) = self.imports[import.0 as usize];
                    let how = match callee {
                        Some(id) => ImportCall::Direct(
                            self.obj.declare_func_in_func(id, &mut self.ctx.func),
                        ),
                        None => ImportCall::Slot,
                    };
                    imports.insert(import.0, (how, shape));
                }
                _ => {}
            }
        }
        let env = BodyEnv {
            module: self.module,
            shapes: &self.shapes,
            callees,
            imports,
            dyn_stubs,
            module_slot: self
                .obj
                .declare_data_in_func(self.module_slot, &mut self.ctx.func),
            import_slots: self
                .obj
                .declare_data_in_func(self.import_slots, &mut self.ctx.func),
            table_slot: self
                .obj
                .declare_data_in_func(self.table_slot, &mut self.ctx.func),
            native_rounding,
            limits: self.limits,
            frontend: self.isa().frontend_config(),
        };
        translate_body(&env, index, &inlined, &mut self.ctx.func, &mut self.fb_ctx);
        self.obj
            .define_function(self.bodies[&index], &mut self.ctx)
            .map_err(|e| codegen_error(&f.name, format!("{e:?}")))
    }

    /// Declares function `symbol` with `sig`, has `translate` build it (with the object,
    /// to declare what it references, the function, the builder context and the
    /// frontend configuration) and defines it.
    fn define_with(
        &mut self,
        symbol: &str,
        linkage: Linkage,
        sig: IrSignature,
        translate: impl FnOnce(
            &mut ObjectModule,
            &mut IrFunction,
            &mut FunctionBuilderContext,
            TargetFrontendConfig,
        ),
    ) -> Result<FuncId, CompileError> {
        let id = self
            .obj
            .declare_function(symbol, linkage, &sig)
            .map_err(|e| codegen_error(symbol, e))?;
        self.obj.clear_context(&mut self.ctx);
        self.ctx.func.signature = sig;
        let frontend = self.isa().frontend_config();
        translate(
            &mut self.obj,
            &mut self.ctx.func,
            &mut self.fb_ctx,
            frontend,
        );
        self.obj
            .define_function(id, &mut self.ctx)
            .map_err(|e| codegen_error(symbol, format!("{e:?}")))?;
        Ok(id)
    }

    fn define_entry(&mut self, index: u32) -> Result<(), CompileError> {
        let sig = entry_signature(self.isa().default_call_conv());
        let (shape, body) = (self.shapes[index as usize], self.bodies[&index]);
        let symbol = abi::entry_symbol(index);
        self.define_with(&symbol, Linkage::Export, sig, |obj, func, fb, frontend| {
            let body = obj.declare_func_in_func(body, func);
            translate_entry(shape, body, frontend, func, fb);
        })?;
        Ok(())
    }

    /// The exported counted thunk of an exported function (what slots point at).
    fn define_thunk(&mut self, index: u32) -> Result<(), CompileError> {
        let sig = body_signature(self.isa().default_call_conv(), self.shapes[index as usize]);
        let (body, module_slot) = (self.bodies[&index], self.module_slot);
        let symbol = abi::thunk_symbol(index);
        self.define_with(&symbol, Linkage::Export, sig, |obj, func, fb, frontend| {
            let body = obj.declare_func_in_func(body, func);
            let module_slot = obj.declare_data_in_func(module_slot, func);
            translate_thunk(body, module_slot, frontend, func, fb);
        })?;
        Ok(())
    }

    /// One host stub per import: where its slot points until the host links it.
    fn define_host_stubs(&mut self) -> Result<(), CompileError> {
        let call_conv = self.isa().default_call_conv();
        let (table_slot, module_slot) = (self.table_slot, self.module_slot);
        for index in 0..self.imports.len() {
            let (shape, _) = self.imports[index];
            let symbol = abi::host_stub_symbol(index as u32);
            let sig = body_signature(call_conv, shape);
            let id =
                self.define_with(&symbol, Linkage::Local, sig, |obj, func, fb, frontend| {
                    let stub = HostStub {
                        request: StubRequest::Import(index as u32),
                        shape,
                        table_slot: obj.declare_data_in_func(table_slot, func),
                        module_slot: obj.declare_data_in_func(module_slot, func),
                    };
                    translate_host_stub(stub, frontend, func, fb);
                })?;
            self.host_stubs.push(id);
        }
        Ok(())
    }

    /// One stub per dynamic call and per `instantiate` type: what a dynamic call runs
    /// when machine code cannot call the method itself (see `Translator::call_dyn`).
    fn define_dyn_stubs(&mut self) -> Result<(), CompileError> {
        let module = self.module;
        let mut requests: Vec<(u32, Shape)> = module
            .dyn_methods
            .iter()
            .enumerate()
            .map(|(m, d)| (m as u32, shape_of(module, &d.sig)))
            .collect();
        for f in &module.functions {
            for inst in &f.code {
                if let Inst::Intrinsic {
                    op: dast_bytecode::Intrinsic::Instantiate,
                    ty,
                    ..
                } = *inst
                {
                    let shape = Shape {
                        params: 0,
                        results: 0,
                        result_refs: 1,
                    };
                    requests.push((abi::INSTANTIATE | ty.0, shape));
                }
            }
        }
        let call_conv = self.isa().default_call_conv();
        let (table_slot, module_slot) = (self.table_slot, self.module_slot);
        for (request, shape) in requests {
            if self.dyn_stubs.contains_key(&request) {
                continue;
            }
            let symbol = format!("dast_dyn_stub_{request}");
            let sig = body_signature(call_conv, shape);
            let id =
                self.define_with(&symbol, Linkage::Local, sig, |obj, func, fb, frontend| {
                    let stub = HostStub {
                        request: StubRequest::Dyn(request),
                        shape,
                        table_slot: obj.declare_data_in_func(table_slot, func),
                        module_slot: obj.declare_data_in_func(module_slot, func),
                    };
                    translate_host_stub(stub, frontend, func, fb);
                })?;
            self.dyn_stubs.insert(request, (id, shape));
        }
        Ok(())
    }

    /// [`abi::SYM_IMPL_METHODS`]: each impl's shim bodies, for the vtables.
    fn define_impl_methods(&mut self) -> Result<(), CompileError> {
        let shims: Vec<u32> = self
            .module
            .impls
            .iter()
            .flat_map(|imp| imp.methods.iter().map(|m| m.shim.0))
            .collect();
        let id = self
            .obj
            .declare_data(abi::SYM_IMPL_METHODS, Linkage::Export, false, false)
            .map_err(|e| codegen_error(abi::SYM_IMPL_METHODS, e))?;
        let mut data = DataDescription::new();
        data.define(vec![0u8; 8 * shims.len().max(1)].into_boxed_slice());
        data.set_align(8);
        for (i, shim) in shims.iter().enumerate() {
            let fref = self.obj.declare_func_in_data(self.bodies[shim], &mut data);
            data.write_function_addr(8 * i as u32, fref);
        }
        self.define_data(id, data)
    }

    fn define_init(&mut self) -> Result<(), CompileError> {
        let sig = init_signature(self.isa().default_call_conv());
        let (table_slot, module_slot) = (self.table_slot, self.module_slot);
        self.define_with(
            abi::SYM_INIT,
            Linkage::Export,
            sig,
            |obj, func, fb, frontend| {
                let table_slot = obj.declare_data_in_func(table_slot, func);
                let module_slot = obj.declare_data_in_func(module_slot, func);
                translate_init(table_slot, module_slot, frontend, func, fb);
            },
        )?;
        Ok(())
    }

    /// The table slot (zeroed, written by `dast_init`) and the exported facts the loader
    /// checks before running anything.
    fn define_metadata(&mut self) -> Result<(), CompileError> {
        for id in [self.table_slot, self.module_slot] {
            let mut slot = DataDescription::new();
            slot.define_zeroinit(8);
            slot.set_align(8);
            self.define_data(id, slot)?;
        }
        // Every import slot starts at its host stub.
        // (Initialized data, not zero-init: relocations in `.bss` would be dropped.)
        let mut slots = DataDescription::new();
        slots.define(vec![0u8; 8 * self.host_stubs.len().max(1)].into_boxed_slice());
        slots.set_align(8);
        for (i, &stub) in self.host_stubs.iter().enumerate() {
            let fref = self.obj.declare_func_in_data(stub, &mut slots);
            slots.write_function_addr(8 * i as u32, fref);
        }
        self.define_data(self.import_slots, slots)?;
        self.define_impl_methods()?;

        let mut name = self.module.name.as_bytes().to_vec();
        name.push(0);
        let facts: [(&str, Vec<u8>); 4] = [
            (
                abi::SYM_HEAP_LAYOUT,
                dast_abi::heap::FINGERPRINT.to_le_bytes().to_vec(),
            ),
            (
                abi::SYM_ABI_VERSION,
                abi::ABI_VERSION.to_le_bytes().to_vec(),
            ),
            (abi::SYM_MODULE_NAME, name),
            (
                abi::SYM_FINGERPRINT,
                fingerprint(self.module).to_le_bytes().to_vec(),
            ),
        ];
        for (symbol, bytes) in facts {
            let id = self
                .obj
                .declare_data(symbol, Linkage::Export, false, false)
                .map_err(|e| codegen_error(symbol, e))?;
            let mut data = DataDescription::new();
            data.define(bytes.into_boxed_slice());
            data.set_align(8);
            self.define_data(id, data)?;
        }
        Ok(())
    }

    fn define_data(&mut self, id: DataId, data: DataDescription) -> Result<(), CompileError> {
        self.obj
            .define_data(id, &data)
            .map_err(|e| codegen_error(&self.module.name, e))
    }

    fn finish(self) -> Result<Vec<u8>, CompileError> {
        let name = self.module.name.clone();
        self.obj
            .finish()
            .emit()
            .map_err(|e| codegen_error(&name, e))
    }
}
