//! The host names no business concept: it starts tasks, performs effects,
//! resumes, enforces platform limits and catches traps. Any word of the domain in
//! its code (comments that document the protocol aside) means a business rule
//! leaked into the host and belongs in the core.

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
];

/// Text that names a Jira resource.
const JIRA_PATHS: &[&str] = &["/rest/api/", "/rest/agile/"];

/// Lines allowed to name a Jira resource, with the reason.
const ALLOWED: &[(&str, &str, &str)] = &[(
    "app.rs",
    "\"/rest/api/3/myself\"",
    "with a real site the acting user is the API token's owner, found once at start",
)];

/// The CLI's offline front end, allowed to name the domain, with the reason: it
/// maps command-line flags to the core's report query and reads and writes flat
/// files with the core's pure engine and exporters (the same code the component
/// runs); it performs no effect for the component and decides nothing.
const FRONT_END: &[(&str, &str)] = &[
    (
        "flatfile",
        "flat export files: the generator and the reader for the core's engine",
    ),
    (
        "report_command.rs",
        "`worklogs report` / `export` / `demo-data`: flags to the query",
    ),
    ("report_command", "the tests of report_command.rs"),
];

/// Words allowed in a file, with the reason.
const ALLOWED_WORDS: &[(&str, &str, &str)] = &[
    (
        "main.rs",
        "report",
        "the `worklogs report` command, routed to report_command",
    ),
    ("lib.rs", "report", "the report_command module"),
    (
        "jobs.rs",
        "report",
        "privacy.report: the operation Forge's daily trigger runs, named as manifest.yml does",
    ),
];

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
        let name = file.file_name().unwrap().to_string_lossy();
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        if FRONT_END.iter().any(|(path, _)| first == *path) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = code_of(line);
            let lower = code.to_lowercase();
            let words = lower.split(|c: char| !c.is_ascii_alphanumeric());
            let allowed_word = |w: &str| {
                ALLOWED_WORDS
                    .iter()
                    .any(|(file, word, _)| *file == name && *word == w)
            };
            for word in words.filter(|w| DOMAIN_WORDS.contains(w) && !allowed_word(w)) {
                found.push(format!(
                    "{name}:{}: {word:?} in {:?}",
                    number + 1,
                    line.trim()
                ));
            }
            let allowed = ALLOWED
                .iter()
                .any(|(file, text, _)| *file == name && code.contains(text));
            for path in JIRA_PATHS.iter().filter(|p| lower.contains(*p)) {
                if !allowed {
                    found.push(format!(
                        "{name}:{}: {path:?} in {:?}",
                        number + 1,
                        line.trim()
                    ));
                }
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
