//! Fast calls from the host: a function resolved once ([`Program::entry`]) and called
//! with its parameters and results as words ([`Program::call_entry`]), with no name
//! lookup and no conversion of values: what typed handles of scalar signatures use.

use std::io::Write;
use std::sync::atomic::Ordering;

use crate::{Panic, Program};

/// A function of a module's version that was active when [`Program::entry`] resolved
/// it, whose parameters and results are scalar words only. Plain data: any machine of
/// the same program (see [`Program::worker`]) may call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    inst: u32,
    func: u32,
    /// Words of the parameters, and of the results (the return value, then the final
    /// values of `&mut` parameters).
    pub params: u32,
    pub results: u32,
}

impl Entry {
    /// The version it calls.
    pub fn instance(self) -> crate::InstanceId {
        crate::InstanceId::of(self.inst as usize)
    }

    /// The entry as one word (for an atomic cache), never 0.
    pub fn pack(self) -> u64 {
        (u64::from(self.inst) + 1) << 40
            | u64::from(self.func) << 16
            | u64::from(self.params) << 8
            | u64::from(self.results)
    }

    /// The entry [`Entry::pack`] made, or `None` for 0 (or a word it did not make).
    pub fn unpack(w: u64) -> Option<Entry> {
        let inst = (w >> 40).checked_sub(1)?;
        Some(Entry {
            inst: inst as u32,
            func: ((w >> 16) & 0xff_ffff) as u32,
            params: ((w >> 8) & 0xff) as u32,
            results: (w & 0xff) as u32,
        })
    }
}

impl Program {
    /// Resolves exported function `func` of the active version of `module` for
    /// [`Program::call_entry`]; `None` when there is no such function, or when its
    /// parameters or results hold references (strings, vectors...: call it by name).
    pub fn entry(&mut self, module: &str, func: &str) -> Option<Entry> {
        self.refresh_view();
        let (mi, fi) = self.find_export(module, func).ok()?;
        let info = self.inst(mi).funcs[fi];
        let fits = |w: u32| w <= 0xff;
        if info.params.refs != 0 || info.results.refs != 0 {
            return None;
        }
        if !fits(info.params.words) || !fits(info.results.words) || fi > 0xff_ffff {
            return None;
        }
        Some(Entry {
            inst: mi as u32,
            func: fi as u32,
            params: info.params.words,
            results: info.results.words,
        })
    }

    /// Calls `entry` with its parameter words, writing its result words into `results`.
    /// `Ok(false)`: the version is no longer active (a reload happened): nothing ran;
    /// resolve the entry again. A panic comes back as `Err`, as from [`Program::call`].
    #[inline]
    pub fn call_entry(
        &mut self,
        entry: Entry,
        args: &[u64],
        results: &mut [u64],
    ) -> Result<bool, Panic> {
        if args.len() != entry.params as usize || results.len() != entry.results as usize {
            return Err(Panic::host(format!(
                "an entry taking {} words and giving {} was called with {} and {}",
                entry.params,
                entry.results,
                args.len(),
                results.len()
            )));
        }
        if self.core.generation() != self.seen {
            self.refresh_view();
        }
        let mi = entry.inst as usize;
        let fi = entry.func as usize;
        let info = match self.view.get(mi) {
            Some(inst) if !inst.unloaded && !inst.retired.load(Ordering::Relaxed) => inst.funcs[fi],
            _ => return Ok(false),
        };
        self.enter_from_host(mi)?;
        // Entered: now the switch of a reload is either seen here or waits for us.
        if self.machine.concurrent && self.inst(mi).retired.load(Ordering::SeqCst) {
            self.leave_to_host(mi);
            return Ok(false);
        }
        let (sb, rb) = self.machine.top;
        let need = (sb + info.scalar_regs as usize, rb + info.ref_regs as usize);
        if let Err(message) = self.machine.reserve(need.0, need.1) {
            self.leave_to_host(mi);
            return Err(Panic::host(message));
        }
        self.machine.sstack[sb..sb + args.len()].copy_from_slice(args);
        self.with_installed_host(|p, host| p.run_entered(mi, fi, host))?;
        results.copy_from_slice(&self.machine.sstack[sb..sb + results.len()]);
        let _ = self.out.flush();
        Ok(true)
    }
}
