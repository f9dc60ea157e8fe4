//! The host names no business concept: it starts tasks, performs effects,
//! resumes, enforces platform limits and catches traps. Any word of the domain in
//! its code (comments that document the protocol aside) means a business rule
//! leaked into the host and belongs in the core, and a Jira resource in the
//! component. No file is exempt: the command line's business front end is its
//! own crate (`cli/`).

use std::path::{Path, PathBuf};

/// Words of the domain, compared with whole words of the code, case-insensitively.
const DOMAIN_WORDS: &[&str] = &[
    "worklog",
    "issue",
    "issues",
    "timetracking",
    "timesheet",
    "timesheets",
    "project",
    "projects",
    "approval",
    "approvals",
    "approve",
    "jql",
    "epic",
    "billable",
    "report",
    "reports",
    "rate",
    "rates",
    "holiday",
    "holidays",
    "schedule",
    "rounding",
];

/// Text that names a Jira resource.
const JIRA_PATHS: &[&str] = &["/rest/api/", "/rest/agile/"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// `line` without its `//` comment, if any (a `//` inside a string literal is kept).
fn code_of(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

#[test]
fn the_host_names_no_business_concept() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(!files.is_empty());
    let mut found = Vec::new();
    for file in &files {
        let name = file.strip_prefix(&src).unwrap().display();
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = code_of(line);
            let lower = code.to_lowercase();
            let words = lower.split(|c: char| !c.is_ascii_alphanumeric());
            for word in words.filter(|w| DOMAIN_WORDS.contains(w)) {
                found.push(format!(
                    "{name}:{}: {word:?} in {:?}",
                    number + 1,
                    line.trim()
                ));
            }
            for path in JIRA_PATHS.iter().filter(|p| lower.contains(*p)) {
                found.push(format!(
                    "{name}:{}: {path:?} in {:?}",
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the host names business concepts:\n{}",
        found.join("\n")
    );
}

#[test]
fn comments_are_told_from_code() {
    assert_eq!(code_of("let a = 1; // a worklog"), "let a = 1; ");
    assert_eq!(code_of("/// docs"), "");
    assert_eq!(
        code_of(r#"let u = "http://x"; // y"#),
        r#"let u = "http://x"; "#
    );
    assert_eq!(code_of(r#"let s = "a\"//b";"#), r#"let s = "a\"//b";"#);
}
