//! A check that a crate's modules do not import each other in a loop. Each crate's
//! `tests/module_graph.rs` includes this file with `#[path]` and runs
//! [`check`] on its own `src/`.
//!
//! # The rule
//!
//! Modules form a tree: `src/lib.rs` is the root, `a.rs` or `a/mod.rs` is `a`,
//! `a/b.rs` is `a::b`, and an inline `mod t { … }` is a child of its file's
//! module. **Within every module, its child modules depend on each other
//! without a loop.** Child `a` depends on its sibling `b` when code anywhere in
//! `a`'s subtree names something in `b`'s subtree: `use crate::b::X`,
//! `use super::b::X`, or a path written inline (`crate::b::f()`,
//! `super::b::X`). So top-level modules form a DAG, the files of a folder form a
//! DAG, and so on down.
//!
//! Two kinds of reference are never a dependency between siblings, since one
//! side contains the other: a parent naming its own children (a `mod.rs`
//! re-exporting them, or calling into them), and a child naming its ancestors'
//! items (`use super::Thing` for a type its parent defines).
//!
//! Test-only code is left out: an item or module under `#[cfg(test)]` (a
//! `mod tests { … }`, or a test helper module declared `#[cfg(test)] mod testing;`)
//! may use what it tests.
//!
//! A name is followed through the `use` declarations of the module it is found
//! in: if `api/mod.rs` imports `Sim` from `crate::server`, then `super::Sim` in
//! `api/users.rs` depends on `server`; a crate root's `pub use` re-exports are
//! followed the same way. Glob imports (`use x::*`) are not followed, only
//! counted as naming `x`. Comments and string literals are skipped;
//! `src/main.rs` and `src/bin/` are other crates and are not read.
//!
//! The check reports each loop as the sibling modules in it, with the
//! references (file and line) that make each edge.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// A module's path from the crate root (empty for the root).
type ModPath = Vec<String>;

/// Reads every `.rs` file under `src` and returns `Err` with a readable list of
/// the loops found, or `Ok(())` when there is none.
pub fn check(src: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    read_dir(src, src, &mut files).map_err(|e| format!("reading {}: {e}", src.display()))?;
    let loops = loops(&files);
    if loops.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} module import loop(s) in {}:\n{}",
            loops.len(),
            src.display(),
            loops.join("\n")
        ))
    }
}

fn read_dir(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let mut entries = std::fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_dir(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path)?));
        }
    }
    Ok(())
}

/// The module a file under `src/` defines, or `None` for files of other crates.
fn file_module(rel: &str) -> Option<ModPath> {
    if rel == "main.rs" || rel.starts_with("bin/") {
        return None;
    }
    let stem = rel.strip_suffix(".rs")?;
    let mut parts: ModPath = stem.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    Some(parts)
}

/// The loops among `files` (`(path relative to src, source)`), one readable
/// paragraph each; empty when the rule holds.
pub fn loops(files: &[(String, String)]) -> Vec<String> {
    let mut modules = BTreeSet::new();
    let mut imports: BTreeMap<ModPath, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut refs = Vec::new();
    let mut test_only = BTreeSet::new();
    for (rel, text) in files {
        let Some(module) = file_module(rel) else {
            continue;
        };
        modules.insert(module.clone());
        let toks = tokenize(text);
        scan(rel, &module, &toks, &mut modules, &mut refs, &mut test_only);
    }
    refs.retain(|r| !test_only.iter().any(|t: &ModPath| r.module.starts_with(t)));
    // Every module's imports, absolute, by the name they bind.
    for r in &refs {
        if let Some(name) = &r.binding {
            if let Some(abs) = absolute(&modules, &imports, &r.module, &r.path) {
                imports
                    .entry(r.module.clone())
                    .or_default()
                    .insert(name.clone(), abs);
            }
        }
    }
    // Per parent module: child → sibling → evidence.
    type Edges = BTreeMap<String, BTreeMap<String, Vec<String>>>;
    let mut graphs: BTreeMap<ModPath, Edges> = BTreeMap::new();
    for r in &refs {
        let Some(abs) = absolute(&modules, &imports, &r.module, &r.path) else {
            continue;
        };
        let target = resolve(&modules, &imports, &abs, 0);
        let common = r
            .module
            .iter()
            .zip(&target)
            .take_while(|(a, b)| a == b)
            .count();
        let (Some(from), Some(to)) = (r.module.get(common), target.get(common)) else {
            continue; // one contains the other
        };
        let parent = r.module.iter().take(common).cloned().collect::<ModPath>();
        graphs
            .entry(parent)
            .or_default()
            .entry(from.clone())
            .or_default()
            .entry(to.clone())
            .or_default()
            .push(format!("{}:{} `{}`", r.file, r.line, r.path.join("::")));
    }
    let mut found = Vec::new();
    for (parent, edges) in &graphs {
        for scc in strongly_connected(edges) {
            let name = if parent.is_empty() {
                "crate".to_owned()
            } else {
                format!("crate::{}", parent.join("::"))
            };
            let mut text = format!("in `{name}`: {{{}}}", scc.join(", "));
            for from in &scc {
                for (to, why) in edges.get(from).into_iter().flatten() {
                    if scc.contains(to) {
                        let more = why.len().saturating_sub(3);
                        let shown = why.iter().take(3).cloned().collect::<Vec<_>>();
                        let _ = write!(text, "\n  {from} -> {to}: {}", shown.join(", "));
                        if more > 0 {
                            let _ = write!(text, " and {more} more");
                        }
                    }
                }
            }
            found.push(text);
        }
    }
    found
}

/// Tarjan's algorithm; the components of more than one node, sorted.
fn strongly_connected(edges: &BTreeMap<String, BTreeMap<String, Vec<String>>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flat_map(|m| m.keys()) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

/// A path named in module `module`: by a `use` (then `binding` is the name it
/// binds, unless it is a glob) or inline.
struct Ref {
    file: String,
    line: usize,
    module: ModPath,
    path: Vec<String>,
    binding: Option<String>,
}

/// `path` as written in `module`, made absolute; `None` for other crates.
fn absolute(
    modules: &BTreeSet<ModPath>,
    imports: &BTreeMap<ModPath, BTreeMap<String, Vec<String>>>,
    module: &ModPath,
    path: &[String],
) -> Option<Vec<String>> {
    let mut base = module.clone();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) => {
            let mut child = module.clone();
            child.push(first.to_owned());
            if !modules.contains(&child) {
                let imported = imports.get(module).and_then(|m| m.get(first))?;
                let mut abs = imported.clone();
                abs.extend(rest[1..].iter().cloned());
                return Some(abs);
            }
        }
        None => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The module an absolute path lands in, following `use` declarations.
fn resolve(
    modules: &BTreeSet<ModPath>,
    imports: &BTreeMap<ModPath, BTreeMap<String, Vec<String>>>,
    abs: &[String],
    depth: usize,
) -> ModPath {
    let mut current = ModPath::new();
    for (k, seg) in abs.iter().enumerate() {
        let mut child = current.clone();
        child.push(seg.clone());
        if modules.contains(&child) {
            current = child;
            continue;
        }
        if depth < 8 {
            if let Some(target) = imports.get(&current).and_then(|m| m.get(seg)) {
                let mut next = target.clone();
                next.extend(abs[k + 1..].iter().cloned());
                if next != abs {
                    return resolve(modules, imports, &next, depth + 1);
                }
            }
        }
        break;
    }
    current
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Punct(char),
}

/// Rust source as identifiers, `::` and punctuation, with their line; comments,
/// string and character literals, lifetimes and numbers are dropped.
fn tokenize(src: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let ident_start = |ch: char| ch == '_' || ch.is_alphabetic();
    let ident_char = |ch: char| ch == '_' || ch.is_alphanumeric();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Skips a quoted literal starting at `i` (on the opening quote); counts lines.
    let skip_quoted = |i: &mut usize, line: &mut usize, quote: char| {
        *i += 1;
        while *i < c.len() && at(*i) != quote {
            if at(*i) == '\\' {
                *i += 1;
            }
            if at(*i) == '\n' {
                *line += 1;
            }
            *i += 1;
        }
        *i += 1;
    };
    while i < c.len() {
        let ch = at(i);
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && at(i) != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if at(i) == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch == '"' {
            skip_quoted(&mut i, &mut line, '"');
        } else if ch == '\'' {
            if at(i + 1) == '\\' || at(i + 2) == '\'' {
                skip_quoted(&mut i, &mut line, '\'');
            } else {
                // A lifetime or label.
                i += 1;
                while ident_char(at(i)) {
                    i += 1;
                }
            }
        } else if ch.is_ascii_digit() {
            while ident_char(at(i)) {
                i += 1;
            }
        } else if ident_start(ch) {
            // Raw and byte strings: r"…", r#"…"#, b"…", br#"…"#, b'…'.
            let prefix = if ch == 'b' && at(i + 1) == 'r' { 2 } else { 1 };
            let raw = (ch == 'r' || prefix == 2) && {
                let mut j = i + prefix;
                while at(j) == '#' {
                    j += 1;
                }
                at(j) == '"'
            };
            if raw {
                let mut j = i + prefix;
                let mut hashes = 0;
                while at(j) == '#' {
                    hashes += 1;
                    j += 1;
                }
                j += 1;
                loop {
                    if j >= c.len() {
                        break;
                    }
                    if at(j) == '\n' {
                        line += 1;
                    }
                    if at(j) == '"' && (1..=hashes).all(|h| at(j + h) == '#') {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                i = j;
            } else if ch == 'b' && (at(i + 1) == '"' || at(i + 1) == '\'') {
                i += 1;
                let quote = at(i);
                skip_quoted(&mut i, &mut line, quote);
            } else {
                if ch == 'r' && at(i + 1) == '#' {
                    i += 2; // a raw identifier
                }
                let start = i;
                while ident_char(at(i)) {
                    i += 1;
                }
                out.push((Tok::Ident(c[start..i].iter().collect()), line));
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// Finds the inline modules, `use` declarations and inline paths of one file.
fn scan(
    file: &str,
    module: &ModPath,
    toks: &[(Tok, usize)],
    modules: &mut BTreeSet<ModPath>,
    refs: &mut Vec<Ref>,
    test_only: &mut BTreeSet<ModPath>,
) {
    let ident = |i: usize| match toks.get(i) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let is = |i: usize, t: &Tok| toks.get(i).is_some_and(|(x, _)| x == t);
    // Inline modules open at a brace depth and close with it.
    let mut stack: Vec<(ModPath, usize)> = vec![(module.clone(), 0)];
    let mut depth = 0;
    let mut i = 0;
    while let Some((tok, line)) = toks.get(i) {
        let current = stack.last().map(|(m, _)| m.clone()).unwrap_or_default();
        match tok {
            Tok::Punct('#') if is_cfg_test(toks, i) => {
                // Skip the attribute and the item it guards; a guarded
                // `mod name;` makes that file's module test-only.
                let mut j = i + 7;
                if ident(j) == Some("pub") {
                    j += 1;
                }
                if ident(j) == Some("mod") && is(j + 2, &Tok::Punct(';')) {
                    if let Some(name) = ident(j + 1) {
                        let mut inner = current.clone();
                        inner.push(name.to_owned());
                        test_only.insert(inner);
                    }
                }
                i = skip_item(toks, i + 7);
                continue;
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if stack.len() > 1 && stack.last().is_some_and(|(_, d)| *d == depth) {
                    stack.pop();
                }
                depth -= 1;
            }
            Tok::Ident(kw) if kw == "mod" && is(i + 2, &Tok::Punct('{')) => {
                if let Some(name) = ident(i + 1) {
                    let mut inner = current.clone();
                    inner.push(name.to_owned());
                    modules.insert(inner.clone());
                    stack.push((inner, depth + 1));
                    i += 2;
                    continue;
                }
            }
            Tok::Ident(kw) if kw == "use" && !(i > 0 && is(i - 1, &Tok::PathSep)) => {
                let mut j = i + 1;
                let mut found = Vec::new();
                use_tree(toks, &mut j, Vec::new(), &mut found);
                for (path, binding) in found {
                    refs.push(Ref {
                        file: file.to_owned(),
                        line: *line,
                        module: current.clone(),
                        path,
                        binding,
                    });
                }
                i = j;
                continue;
            }
            Tok::Ident(first)
                if matches!(first.as_str(), "crate" | "self" | "super")
                    && is(i + 1, &Tok::PathSep)
                    && !(i > 0 && is(i - 1, &Tok::PathSep)) =>
            {
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while is(j, &Tok::PathSep) {
                    let Some(seg) = ident(j + 1) else { break };
                    path.push(seg.to_owned());
                    j += 2;
                }
                refs.push(Ref {
                    file: file.to_owned(),
                    line: *line,
                    module: current.clone(),
                    path,
                    binding: None,
                });
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// Whether `#[cfg(test)]` starts at `i`.
fn is_cfg_test(toks: &[(Tok, usize)], i: usize) -> bool {
    let want = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".to_owned()),
        Tok::Punct('('),
        Tok::Ident("test".to_owned()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    want.iter()
        .enumerate()
        .all(|(k, t)| toks.get(i + k).is_some_and(|(x, _)| x == t))
}

/// The index just past the item starting at `i` (with its attributes): after
/// its `;`, or after the block that closes it.
fn skip_item(toks: &[(Tok, usize)], mut i: usize) -> usize {
    let mut nesting = 0usize; // () and []
    let mut braces = 0usize;
    while let Some((tok, _)) = toks.get(i) {
        i += 1;
        match tok {
            Tok::Punct('(' | '[') => nesting += 1,
            Tok::Punct(')' | ']') => nesting = nesting.saturating_sub(1),
            Tok::Punct('{') => braces += 1,
            Tok::Punct('}') => {
                braces = braces.saturating_sub(1);
                if braces == 0 && nesting == 0 {
                    return i;
                }
            }
            Tok::Punct(';') if braces == 0 && nesting == 0 => return i,
            _ => {}
        }
    }
    i
}

/// Parses a use tree at `*i`, pushing each leaf path with the name it binds
/// (`None` for a glob, whose path is the glob's module).
fn use_tree(
    toks: &[(Tok, usize)],
    i: &mut usize,
    mut path: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    if matches!(toks.get(*i), Some((Tok::PathSep, _))) {
        *i += 1; // `use ::name` is another crate: leave the leading `::` out
        path.push("::".to_owned());
    }
    loop {
        match toks.get(*i).map(|(t, _)| t) {
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                *i += 1;
                if matches!(toks.get(*i), Some((Tok::PathSep, _))) {
                    *i += 1;
                    continue;
                }
                break;
            }
            Some(Tok::Punct('{')) => {
                *i += 1;
                while let Some((t, _)) = toks.get(*i) {
                    match t {
                        Tok::Punct('}') => {
                            *i += 1;
                            break;
                        }
                        Tok::Punct(',') => *i += 1,
                        _ => {
                            let before = *i;
                            use_tree(toks, i, path.clone(), out);
                            if *i == before {
                                *i += 1;
                            }
                        }
                    }
                }
                return;
            }
            Some(Tok::Punct('*')) => {
                *i += 1;
                out.push((path, None));
                return;
            }
            _ => return,
        }
    }
    let mut binding = path.last().cloned();
    if matches!(toks.get(*i), Some((Tok::Ident(s), _)) if s == "as") {
        binding = match toks.get(*i + 1) {
            Some((Tok::Ident(s), _)) if s != "_" => Some(s.clone()),
            _ => None,
        };
        *i += 2;
    }
    if path.last().is_some_and(|s| s == "self") {
        path.pop();
        if binding.as_deref() == Some("self") {
            binding = path.last().cloned();
        }
    }
    if path.first().is_some_and(|s| s == "::") {
        return;
    }
    out.push((path, binding));
}

#[cfg(test)]
mod self_tests {
    use super::loops;

    fn crate_of(files: &[(&str, &str)]) -> Vec<String> {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
            .collect();
        loops(&files)
    }

    #[test]
    fn finds_a_loop_between_top_level_modules() {
        let found = crate_of(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "use crate::b::B;\npub struct A;\n"),
            ("b/mod.rs", "mod c;\npub struct B;\n"),
            ("b/c.rs", "fn f() { let _ = crate::a::A; }\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("in `crate`: {a, b}"), "{found:?}");
        assert!(found[0].contains("b/c.rs:1 `crate::a::A`"), "{found:?}");
    }

    #[test]
    fn follows_a_parents_import_and_root_re_exports() {
        let found = crate_of(&[
            ("lib.rs", "mod api;\nmod server;\npub use server::Sim;\n"),
            ("api/mod.rs", "mod users;\nuse crate::server::Sim;\n"),
            ("api/users.rs", "use super::{Sim, helper};\n"),
            (
                "server.rs",
                "pub struct Sim;\nfn r() { crate::api::users::x(); }\n",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("api -> server"), "{found:?}");
        let found = crate_of(&[
            ("lib.rs", "mod a;\nmod b;\npub use b::B;\n"),
            (
                "a.rs",
                "/// Not [`crate::b::B`].\nfn f() -> crate::B { todo!() }\n",
            ),
            ("b.rs", "pub struct B;\nconst S: &str = \"crate::a::x\";\n"),
        ]);
        assert!(
            found.is_empty(),
            "comments and strings are not code: {found:?}"
        );
        let found = crate_of(&[
            ("lib.rs", "mod a;\nmod b;\npub use b::B;\n"),
            ("a.rs", "fn f() -> crate::B { todo!() }\n"),
            ("b.rs", "pub struct B;\nuse crate::a as other;\n"),
        ]);
        assert_eq!(
            found.len(),
            1,
            "a root re-export leads to its module: {found:?}"
        );
    }

    #[test]
    fn parents_and_children_may_name_each_other() {
        let found = crate_of(&[
            ("lib.rs", "mod world;\npub use world::{ops::Op, World};\n"),
            ("world/mod.rs", "mod ops;\npub use ops::Op;\npub struct World;\n"),
            (
                "world/ops.rs",
                "use super::World;\npub struct Op;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::world::World;\n}\n",
            ),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn test_only_code_is_left_out() {
        let found = crate_of(&[
            ("lib.rs", "mod a;\n#[cfg(test)]\nmod testing;\n"),
            (
                "a.rs",
                "pub fn f(x: [u8; 2]) {}\n#[cfg(test)]\nmod tests {\n    use crate::testing::T;\n}\n",
            ),
            ("testing.rs", "use crate::a::f;\npub struct T;\n"),
        ]);
        assert!(found.is_empty(), "{found:?}");
        let found = crate_of(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            (
                "a.rs",
                "#[cfg(test)]\nfn t() { crate::b::g(); }\nfn f() { crate::b::g(); }\n",
            ),
            ("b.rs", "use crate::a::f;\n"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("a.rs:3"), "{found:?}");
        assert!(!found[0].contains("a.rs:2"), "{found:?}");
    }

    #[test]
    fn siblings_inside_a_folder_and_inline_modules() {
        let found = crate_of(&[
            ("lib.rs", "mod report;\n"),
            ("report/mod.rs", "mod engine;\nmod query;\n"),
            (
                "report/engine.rs",
                "use super::query::Q;\nlet s = r#\"x\"#; let c = '\"';\n",
            ),
            (
                "report/query.rs",
                "mod inner {\n    use super::super::engine::E;\n}\n",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("in `crate::report`: {engine, query}"),
            "{found:?}"
        );
        assert!(found[0].contains("report/query.rs:2"), "{found:?}");
    }
}
