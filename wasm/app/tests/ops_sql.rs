//! `src/ops/` holds no SQL: every statement on the index and the app's tables is
//! a typed function in `src/index/` (or, for the settings table, `src/store.rs`),
//! and the operations call those. This test reads every file under `src/ops/`
//! and fails, naming file and line, where it finds SQL text.
//!
//! Test code may keep SQL that sets up fixtures: the files of modules declared
//! under `#[cfg(test)]` are skipped, and a file is read only up to its first
//! `#[cfg(test)]` line. Comment lines are skipped.

use std::path::{Path, PathBuf};

/// Files under `src/ops/` allowed to hold SQL, relative to `src/ops/`: none.
/// An entry needs a reason written beside it.
const ALLOWED: &[&str] = &[];

/// Texts that only SQL has: statement heads and clause pairs.
const STATEMENT_HEADS: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "INSERT IGNORE",
    "REPLACE INTO",
    "DELETE FROM",
    "CREATE TABLE",
    "CREATE INDEX",
    "ALTER TABLE",
    "DROP TABLE",
    " FROM ",
    " WHERE ",
    " GROUP BY ",
    " LIMIT ",
];

/// Why `line` looks like SQL text, if it does.
fn sql_in(line: &str) -> Option<&'static str> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return None;
    }
    if let Some(head) = STATEMENT_HEADS.iter().find(|h| code.contains(*h)) {
        return Some(head);
    }
    // `UPDATE table SET …`
    if let Some(at) = code.find("UPDATE ") {
        if code[at..].contains(" SET ") {
            return Some("UPDATE … SET");
        }
    }
    None
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files (or folders) of the modules `file` declares under
/// `#[cfg(test)]` (`#[cfg(test)] mod tests;`): test code, which may keep SQL
/// that sets up fixtures.
fn test_modules(file: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir = file.parent().unwrap();
    // `a/mod.rs` declares `a/x.rs`; `a/b.rs` declares `a/b/x.rs`.
    let children = if stem == "mod" {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|pair| pair[0] == "#[cfg(test)]")
        .filter_map(|pair| pair[1].strip_prefix("mod ")?.strip_suffix(';'))
        .flat_map(|name| [children.join(format!("{name}.rs")), children.join(name)])
        .collect()
}

/// Each line with SQL text in `text` (up to its first `#[cfg(test)]`): its
/// number and why.
fn findings(text: &str) -> Vec<(usize, &'static str)> {
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .enumerate()
        .filter_map(|(i, line)| sql_in(line).map(|why| (i + 1, why)))
        .collect()
}

#[test]
fn operations_hold_no_sql() {
    let ops = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops");
    let mut files = Vec::new();
    rust_files(&ops, &mut files);
    assert!(files.len() > 10, "no files under {}", ops.display());
    let test_files: Vec<PathBuf> = files.iter().flat_map(|f| test_modules(f)).collect();
    assert!(
        test_files.iter().any(|t| t.ends_with("report/tests.rs")),
        "test modules are found: {test_files:?}"
    );
    let mut found = Vec::new();
    for path in files {
        let relative = path
            .strip_prefix(&ops)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if test_files.iter().any(|t| path.starts_with(t)) || ALLOWED.contains(&&*relative) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, why) in findings(&text) {
            found.push(format!("src/ops/{relative}:{line}: SQL text ({why:?})"));
        }
    }
    assert!(
        found.is_empty(),
        "ops/ holds no SQL: move these statements into a typed function in src/index/\n{}",
        found.join("\n")
    );
}

#[test]
fn the_allowed_files_exist() {
    let ops = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops");
    for file in ALLOWED {
        assert!(ops.join(file).is_file(), "{file}: drop it from ALLOWED");
    }
}

#[test]
fn sql_is_recognised_and_code_is_not() {
    let text = "fn f() {\n\
                \x20   ctx.sql(\"SELECT id FROM dict WHERE site = ?\", vec![]);\n\
                \x20   let s = \"UPDATE worklogs SET author = ?\";\n\
                \x20   \"DELETE FROM saved_reports\";\n\
                \x20   // SELECT in a comment is fine\n\
                \x20   let selected = rows.len();\n\
                }\n\
                #[cfg(test)]\n\
                mod tests { \"INSERT INTO settings VALUES (1)\"; }\n";
    let lines: Vec<usize> = findings(text).into_iter().map(|(l, _)| l).collect();
    assert_eq!(lines, vec![2, 3, 4]);
}
