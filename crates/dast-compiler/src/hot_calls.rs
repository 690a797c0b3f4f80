//! Hot functions beside a running `main`: the calls `main`'s side of the entry module
//! makes to its own `@hot_reload` functions go through the module's import table, so
//! a reload reaches them.
//!
//! A call inside a module is direct and stays in the version where the outer call
//! entered (hot-reload.md). That is right for a module the host calls into, but the
//! entry module's `main` is entered once and never returns: with direct calls, a
//! `@hot_reload fn` living beside `main` (a one-file program, or `src/main.dast`) would
//! run its first version forever. [`route_hot_calls`] rewrites, in the functions that
//! only `main`'s side runs, each `Call` of a hot function of the same module into a
//! `CallImport` of that function from the module itself. The VM resolves such an
//! import like any other (to the active version of the module, first itself), and a
//! reload's `activate` re-points the old version's imports to the new version, so the
//! next call from the running `main` runs the new code; it is also a safe point, where
//! a watcher's pending reload is applied.
//!
//! "Only `main`'s side": the functions reachable from `main` by direct calls without
//! going through a hot function, minus every function a hot function can reach. Those
//! never run in a newer version (nothing enters it except through the hot functions),
//! so the imports of a newer version, which the VM resolves to the version active when
//! it was loaded, are never used before the next reload re-points them: calls made by
//! new code stay in the new version, as the design requires. A function both sides use
//! keeps its direct calls (its hot callees then run the version it runs in).
//!
//! The rest of the transaction is unchanged: a module whose `main` is running has a
//! call in flight, so it reloads only when it has no `var` state to hand over
//! ([`RoutedCalls::stateful`]); otherwise the registry refuses the reload.

use std::collections::{BTreeSet, HashSet};

use dast_bytecode::{Import, ImportId, Inst, Module};
use dast_syntax::ast;

use crate::Compiled;

/// What [`route_hot_calls`] did to a module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoutedCalls {
    /// The hot functions now called through the module's import table.
    pub functions: Vec<String>,
    /// The module has `var`/`static` state, so the registry cannot hand it over while
    /// `main` runs: its reloads will be refused.
    pub stateful: bool,
}

/// The functions of a parsed module file marked hot: `@hot_reload fn`, methods of a
/// `@hot_reload impl`, and everything inside a `@hot_reload module` block (the file's
/// wrapping block or a nested one), named as the bytecode names them (`f`, `T.m`,
/// `Inner.f`). `main` is never hot here: it is the host of the program.
pub fn hot_functions(file: &ast::File) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(&file.items, "", false, &mut out);
    out.remove("main");
    out
}

fn collect(items: &[ast::Item], prefix: &str, all_hot: bool, out: &mut BTreeSet<String>) {
    // A file that is a single `module X { }` block is module X itself (no prefix).
    let real: Vec<&ast::Item> = items
        .iter()
        .filter(|i| !matches!(i.kind, ast::ItemKind::Error))
        .collect();
    if prefix.is_empty() {
        if let [only] = real.as_slice() {
            if let ast::ItemKind::Module(m) = &only.kind {
                let hot = all_hot || is_hot(only);
                return collect_items(&m.items, "", hot, out);
            }
        }
    }
    collect_items(items, prefix, all_hot, out);
}

fn collect_items(items: &[ast::Item], prefix: &str, all_hot: bool, out: &mut BTreeSet<String>) {
    for item in items {
        let hot = all_hot || is_hot(item);
        match &item.kind {
            ast::ItemKind::Fn(f) if hot => {
                out.insert(format!("{prefix}{}", f.name.name));
            }
            ast::ItemKind::Impl(imp) if imp.trait_name.is_none() => {
                let ast::TypeKind::Path { segments, .. } = &imp.self_ty.kind else {
                    continue;
                };
                let Some(ty) = segments.last() else { continue };
                for method in &imp.items {
                    if let ast::ItemKind::Fn(f) = &method.kind {
                        if hot || is_hot(method) {
                            out.insert(format!("{prefix}{}.{}", ty.name, f.name.name));
                        }
                    }
                }
            }
            ast::ItemKind::Module(m) => {
                collect_items(&m.items, &format!("{prefix}{}.", m.name.name), hot, out);
            }
            _ => {}
        }
    }
}

fn is_hot(item: &ast::Item) -> bool {
    item.attrs.iter().any(|a| a.name.name == "hot_reload")
}

/// [`route_hot_calls`] for the entry module of `c`, its hot functions read from the
/// source it was compiled from. Does nothing for a program without an entry module.
pub fn route_entry_hot_calls(c: &mut Compiled) -> RoutedCalls {
    let Some(entry) = c.program.entry.as_deref() else {
        return RoutedCalls::default();
    };
    let Some(source) = c.program.modules.iter().find(|m| m.name == entry) else {
        return RoutedCalls::default();
    };
    let Some((file, text)) = c
        .sources
        .files()
        .find(|(_, f)| f.name == source.display)
        .map(|(id, f)| (id, f.text.clone()))
    else {
        return RoutedCalls::default();
    };
    let (tree, _) = dast_syntax::parse(file, &text);
    let hot = hot_functions(&tree);
    match c.modules.iter_mut().find(|m| m.name == entry) {
        Some(m) => route_hot_calls(m, &hot),
        None => RoutedCalls::default(),
    }
}

/// Routes the calls `main`'s side of `m` makes to the functions named in `hot` through
/// `m`'s own import table (see the module docs). Does nothing when `m` has no `main`,
/// is not hot-reloadable, or `main`'s side calls no hot function.
pub fn route_hot_calls(m: &mut Module, hot: &BTreeSet<String>) -> RoutedCalls {
    let mut routed = RoutedCalls {
        stateful: !m.globals.is_empty(),
        ..RoutedCalls::default()
    };
    let Some(main) = m.function_by_name("main") else {
        return routed;
    };
    if !m.hot_reload {
        return routed;
    }
    let is_hot: Vec<bool> = m
        .functions
        .iter()
        .map(|f| f.exported && hot.contains(&f.name))
        .collect();
    let callees = |f: usize| -> Vec<usize> {
        m.functions[f]
            .code
            .iter()
            .filter_map(|i| match i {
                Inst::Call { func, .. } => Some(func.0 as usize),
                _ => None,
            })
            .collect()
    };
    // Everything the hot functions can reach runs in whichever version they run in.
    let from_hot = reachable(
        (0..m.functions.len()).filter(|&f| is_hot[f]),
        |_| true,
        &callees,
    );
    // `main`'s side: reached from `main` without entering a hot function.
    let host = reachable([main.0 as usize], |f| !is_hot[f], &callees);
    let host: Vec<usize> = host.into_iter().filter(|f| !from_hot.contains(f)).collect();
    let mut imports: Vec<(usize, ImportId)> = Vec::new();
    for f in host {
        for pc in 0..m.functions[f].code.len() {
            let Inst::Call { func, s, r } = m.functions[f].code[pc] else {
                continue;
            };
            let callee = func.0 as usize;
            if !is_hot[callee] {
                continue;
            }
            let import = match imports.iter().find(|(c, _)| *c == callee) {
                Some(&(_, id)) => id,
                None => {
                    let id = ImportId(m.imports.len() as u32);
                    m.imports.push(Import {
                        module: m.name.clone(),
                        name: m.functions[callee].name.clone(),
                        sig: m.functions[callee].sig.clone(),
                    });
                    imports.push((callee, id));
                    routed.functions.push(m.functions[callee].name.clone());
                    id
                }
            };
            m.functions[f].code[pc] = Inst::CallImport { import, s, r };
        }
    }
    routed.functions.sort();
    routed
}

/// The functions reachable from `roots` by direct calls, entering only those `enter`
/// accepts (the roots always).
fn reachable(
    roots: impl IntoIterator<Item = usize>,
    enter: impl Fn(usize) -> bool,
    callees: &dyn Fn(usize) -> Vec<usize>,
) -> HashSet<usize> {
    let mut seen: HashSet<usize> = HashSet::new();
    let mut todo: Vec<usize> = roots.into_iter().collect();
    seen.extend(todo.iter().copied());
    while let Some(f) = todo.pop() {
        for c in callees(f) {
            if enter(c) && seen.insert(c) {
                todo.push(c);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile, MemFs};
    use dast_bytecode::FuncId;
    use std::path::Path;

    fn compiled(src: &str) -> (Module, BTreeSet<String>) {
        let mut fs = MemFs::default();
        fs.files.insert("/d/app.dast".into(), src.into());
        let c = compile(&fs, Path::new("/d/app.dast"))
            .unwrap()
            .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
        let (tree, _) = dast_syntax::parse(dast_base::FileId(0), src);
        (c.modules[0].clone(), hot_functions(&tree))
    }

    fn calls_import(m: &Module, from: &str) -> bool {
        let f: FuncId = m.function_by_name(from).unwrap();
        m.functions[f.0 as usize]
            .code
            .iter()
            .any(|i| matches!(i, Inst::CallImport { .. }))
    }

    #[test]
    fn finds_hot_functions_by_their_bytecode_names() {
        let src = "@hot_reload\nfn a() {}\nfn b() {}\nstruct P { x: i32 }\n@hot_reload\nimpl P {\n    fn m(self) -> i32 { self.x }\n}\nmodule Inner {\n    @hot_reload\n    fn c() {}\n}\nfn main() {}\n";
        let (tree, errors) = dast_syntax::parse(dast_base::FileId(0), src);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<String> = hot_functions(&tree).into_iter().collect();
        assert_eq!(names, ["Inner.c", "P.m", "a"]);
    }

    #[test]
    fn routes_mains_calls_of_hot_functions_only() {
        let (mut m, hot) = compiled(
            "@hot_reload\nfn tick(n: i64) -> i64 { helper(n) }\nfn helper(n: i64) -> i64 { n + 1 }\nfn run(n: i64) -> i64 { tick(n) }\nfn main() {\n    let a = tick(1)\n    let b = run(a)\n    println(\"{}\", helper(b))\n}\n",
        );
        let routed = route_hot_calls(&mut m, &hot);
        assert_eq!(routed.functions, ["tick"]);
        assert!(!routed.stateful);
        assert!(calls_import(&m, "main"));
        assert!(calls_import(&m, "run"));
        // The hot side keeps its direct calls: new code calls new code.
        assert!(!calls_import(&m, "tick"));
        assert_eq!(m.imports.len(), 1);
        assert_eq!(m.imports[0].module, "app");
        dast_bytecode::verify(&m).unwrap();
    }

    #[test]
    fn leaves_modules_without_hot_functions_alone() {
        let (mut m, hot) = compiled("fn tick() {}\nfn main() { tick() }\n");
        let before = m.clone();
        assert_eq!(route_hot_calls(&mut m, &hot), RoutedCalls::default());
        assert_eq!(m, before);
    }

    #[test]
    fn reports_state() {
        let (mut m, hot) =
            compiled("var n: i64 = 0\n@hot_reload\nfn tick() { n += 1 }\nfn main() { tick() }\n");
        let routed = route_hot_calls(&mut m, &hot);
        assert_eq!(routed.functions, ["tick"]);
        assert!(routed.stateful);
    }
}
