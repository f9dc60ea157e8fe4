//! The commands against a fake host that answers `report.run` and `export.run`
//! from fixtures, and the offline commands over generated files.

use std::future::Future;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::{json, Value};

use super::*;
use crate::flatfile;
use worklogs_host::protocol::ErrorCode;

/// Answers each call with the next canned answer and records the inputs.
struct Fake {
    answers: Mutex<Vec<Result<Value, TaskError>>>,
    calls: Mutex<Vec<(Option<String>, String, Value)>>,
}

impl Fake {
    fn new(answers: Vec<Result<Value, TaskError>>) -> Self {
        Fake {
            answers: Mutex::new(answers.into_iter().rev().collect()),
            calls: Mutex::new(Vec::new()),
        }
    }
}

impl Operations for Fake {
    async fn run(
        &self,
        who: Option<&str>,
        _time_zone: Option<&str>,
        operation: &str,
        input: &str,
    ) -> Result<String, TaskError> {
        self.calls.lock().unwrap().push((
            who.map(str::to_owned),
            operation.to_owned(),
            serde_json::from_str(input).unwrap(),
        ));
        let answer = self.answers.lock().unwrap().pop().expect("an answer left");
        answer.map(|v| v.to_string())
    }

    fn account_id(&self, who: &str) -> String {
        if who == "alice" {
            "acc-alice".into()
        } else {
            who.to_owned()
        }
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

fn query(args: &[&str]) -> QueryFlags {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        query: QueryFlags,
    }
    let mut argv = vec!["worklogs"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).unwrap().query
}

fn report_flags(args: &[&str], out: Option<PathBuf>, format: Format) -> ReportFlags {
    ReportFlags {
        query: query(args),
        input: None,
        format,
        out,
        account: None,
    }
}

fn export_flags(out: PathBuf, format: Format) -> ExportFlags {
    ExportFlags {
        query: query(&["--period", "month:2026-11-01"]),
        input: None,
        format,
        out,
        delimiter: None,
        decimal_separator: None,
        bom: false,
        account: None,
        jobs: Some(1),
    }
}

#[test]
fn flags_become_the_core_query() {
    let flags = query(&[
        "--period",
        "week:2026-11-23",
        "--group-by",
        "project, month",
        "--tz",
        "Europe/Berlin",
        "--week-start",
        "sunday",
        "--project",
        "WEB,API",
        "--author",
        "alice",
        "--author",
        "acc-2",
    ]);
    let json = flags.to_json(&|a| format!("id:{a}")).unwrap();
    assert_eq!(
        json,
        json!({
            "period": {"week": "2026-11-23"},
            "groupBy": ["project", "month"],
            "timeZone": "Europe/Berlin",
            "weekStart": "sunday",
            "filter": {"projects": ["WEB", "API"], "people": ["id:alice", "id:acc-2"]},
        })
    );
    let range = query(&["--from", "2026-11-01", "--to", "2026-11-30"]);
    assert_eq!(
        range.to_json(&str::to_owned).unwrap(),
        json!({"period": {"from": "2026-11-01", "to": "2026-11-30"}, "groupBy": ["person", "week"]})
    );
}

#[test]
fn a_query_file_is_the_base_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.json");
    std::fs::write(
        &path,
        r#"{"timeZone": "UTC", "groupBy": ["issue"], "measures": ["count"], "filter": {"billable": true}}"#,
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let kept = query(&["--query", file]).to_json(&str::to_owned).unwrap();
    assert_eq!(kept["groupBy"], json!(["issue"]));
    let overridden = query(&["--query", file, "--group-by", "person", "--project", "WEB"])
        .to_json(&str::to_owned)
        .unwrap();
    assert_eq!(overridden["groupBy"], json!(["person"]));
    assert_eq!(
        overridden["filter"],
        json!({"billable": true, "projects": ["WEB"]})
    );
    std::fs::write(&path, "[1]").unwrap();
    let err = query(&["--query", file])
        .to_json(&str::to_owned)
        .unwrap_err();
    assert!(err.to_string().contains("expected a JSON object"), "{err}");
}

#[test]
fn bad_flags_name_the_flag_and_the_value() {
    let err = query(&["--period", "fortnight:2026-11-23"])
        .to_json(&str::to_owned)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(r#"invalid --period "fortnight:2026-11-23""#),
        "{err}"
    );
    assert!(matches!(err, Failure::Usage(_)));
    // The core validates values; the message gains the flag.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("flat.csv");
    std::fs::write(&input, "author_account_id,started_utc,seconds\r\n").unwrap();
    for (args, flag, value) in [
        (&["--group-by", "person,colour"][..], "--group-by", "colour"),
        (&["--tz", "Mars/Olympus"], "--tz", "Mars/Olympus"),
        (&["--week-start", "friday"], "--week-start", "friday"),
        (&["--period", "week:2026-13-01"], "--period", "2026-13-01"),
    ] {
        let flags = report_flags(args, None, Format::Csv);
        let err = report_file(&input, &flags).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Failure::Usage(_)), "{text}");
        assert!(text.starts_with(&format!("{flag}: ")), "{text}");
        assert!(text.contains(value), "{text}");
    }
    let flags = ExportFlags {
        delimiter: Some(",".into()),
        decimal_separator: Some(",".into()),
        ..export_flags(dir.path().join("out.csv"), Format::Csv)
    };
    let err = export_file(&input, &flags).unwrap_err();
    assert!(
        err.to_string().starts_with("the query flags do not apply"),
        "{err}"
    );
    let flags = ExportFlags {
        query: QueryFlags::default(),
        ..flags
    };
    let err = export_file(&input, &flags).unwrap_err();
    assert!(
        err.to_string().starts_with("--decimal-separator: "),
        "{err}"
    );
}

#[test]
fn report_runs_report_run_as_the_app_and_writes_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.csv");
    // The component renders the file (the core's rows and columns); the
    // command writes what it answers.
    let fake = Fake::new(vec![Ok(json!({
        "fileName": "report-2026-11-01-2026-11-30.xlsx",
        "mediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "piece": base64::engine::general_purpose::STANDARD.encode(b"PK\x03\x04 the workbook"),
        "rows": 3, "worklogs": 4,
    }))]);
    let flags = report_flags(
        &["--period", "month:2026-11-01", "--author", "alice"],
        Some(out.clone()),
        Format::Xlsx,
    );
    let rows = block_on(report_index(&fake, &flags)).unwrap();
    assert_eq!(rows, 3);
    let calls = fake.calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    let (who, operation, input) = &calls[0];
    assert_eq!((who.as_deref(), operation.as_str()), (None, "report.run"));
    assert_eq!(input["filter"]["people"], json!(["acc-alice"]));
    assert_eq!(input["period"], json!({"month": "2026-11-01"}));
    assert_eq!(input["format"], "xlsx");
    assert_eq!(input["groupBy"], json!(["person", "week"]));
    assert_eq!(&std::fs::read(&out).unwrap()[..2], b"PK");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}

#[test]
fn report_goes_on_through_continuations_until_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.csv");
    let pending = |done: u64, token: &str| {
        Ok(json!({
            "more": true, "continuation": token, "worklogs": done * 10, "indexComplete": true,
            "progress": {"done": done, "total": 30, "label": format!("{done} of 30 days read")},
        }))
    };
    let fake = Fake::new(vec![
        pending(1, "first"),
        pending(9, "second"),
        Ok(json!({
            "fileName": "report.csv", "mediaType": "text/csv",
            "piece": base64::engine::general_purpose::STANDARD.encode(b"person,hours\nAnn,1.00\n"),
            "rows": 1, "worklogs": 4, "more": false, "indexComplete": true,
            "progress": {"done": 30, "total": 30, "label": "30 of 30 days read"},
        })),
    ]);
    let flags = report_flags(
        &["--period", "month:2026-11-01"],
        Some(out.clone()),
        Format::Csv,
    );
    let rows = block_on(report_index(&fake, &flags)).unwrap();
    assert_eq!(rows, 1);
    let calls = fake.calls.lock().unwrap();
    let tokens: Vec<&Value> = calls
        .iter()
        .map(|(_, _, input)| &input["continuation"])
        .collect();
    assert_eq!(tokens, [&Value::Null, &json!("first"), &json!("second")]);
    // The query is the same in every call, the continuation aside.
    assert!(calls
        .iter()
        .all(|(_, _, input)| input["period"] == calls[0].2["period"]));
    assert_eq!(std::fs::read(&out).unwrap(), b"person,hours\nAnn,1.00\n");
}

#[test]
fn an_operation_error_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.csv");
    let fake = Fake::new(vec![Err(TaskError::new(
        ErrorCode::InvalidInput,
        "invalid period: required",
    ))]);
    let flags = report_flags(&[], Some(out.clone()), Format::Csv);
    let err = block_on(report_index(&fake, &flags)).unwrap_err();
    assert!(matches!(err, Failure::Operation(_)));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

fn piece(bytes: &[u8], rows: u64, continuation: Option<Value>) -> Value {
    let mut answer = json!({
        "fileName": "worklogs.csv", "mediaType": "text/csv",
        "piece": base64::engine::general_purpose::STANDARD.encode(bytes),
        "rows": rows, "totalRows": 3,
    });
    if let Some(c) = continuation {
        answer["continuation"] = c;
    }
    answer
}

#[test]
fn export_appends_every_piece_and_passes_the_continuation_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.csv");
    let fake = Arc::new(Fake::new(vec![
        // `rows` counts every row written so far (export.run's contract).
        Ok(piece(b"a,b\r\n1,2\r\n", 1, Some(json!("c1")))),
        Ok(piece(b"3,4\r\n", 2, Some(json!({"at": 2})))),
        Ok(piece(b"5,6\r\n", 3, None)),
    ]));
    let flags = ExportFlags {
        delimiter: Some(";".into()),
        bom: true,
        account: Some("alice".into()),
        ..export_flags(out.clone(), Format::Csv)
    };
    let rows = block_on(export_index(Arc::clone(&fake), &flags)).unwrap();
    assert_eq!(rows, 3);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        b"a,b\r\n1,2\r\n3,4\r\n5,6\r\n"
    );
    let calls = fake.calls.lock().unwrap();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].0.as_deref(), Some("alice"));
    assert_eq!(calls[0].1, "export.run");
    assert_eq!(calls[0].2["format"], "csv");
    assert_eq!(
        calls[0].2["options"],
        json!({"delimiter": ";", "bom": true})
    );
    assert_eq!(
        calls[0].2["query"]["period"],
        json!({"month": "2026-11-01"})
    );
    assert!(calls[0].2.get("continuation").is_none());
    assert_eq!(calls[1].2["continuation"], "c1");
    assert_eq!(calls[2].2["continuation"], json!({"at": 2}));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}

#[test]
fn a_failed_export_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.xlsx");
    std::fs::write(&out, b"the previous export").unwrap();
    let fake = Arc::new(Fake::new(vec![
        Ok(piece(b"PK...", 1, Some(json!("c1")))),
        Err(TaskError::new(
            ErrorCode::Upstream,
            "the database timed out",
        )),
    ]));
    let err = block_on(export_index(
        Arc::clone(&fake),
        &export_flags(out.clone(), Format::Xlsx),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"the previous export");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A continuation that does not move is an error, not a loop.
    let fake = Arc::new(Fake::new(vec![
        Ok(piece(b"x", 1, Some(json!("same")))),
        Ok(piece(b"y", 1, Some(json!("same")))),
    ]));
    let err = block_on(export_index(
        Arc::clone(&fake),
        &export_flags(out.clone(), Format::Csv),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("same continuation"), "{err}");
    let fake = Arc::new(Fake::new(vec![Ok(json!({"rows": 1}))]));
    let err = block_on(export_index(
        Arc::clone(&fake),
        &export_flags(out, Format::Csv),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("no base64 piece"), "{err}");
}

/// Answers `export.run` by its continuation ("" for the first call): the
/// answers of an export in parts, which its parts ask for in any order.
struct ByContinuation(std::collections::BTreeMap<&'static str, Value>);

impl Operations for ByContinuation {
    async fn run(
        &self,
        _who: Option<&str>,
        _time_zone: Option<&str>,
        _operation: &str,
        input: &str,
    ) -> Result<String, TaskError> {
        let input: Value = serde_json::from_str(input).unwrap();
        let key = input["continuation"].as_str().unwrap_or("");
        match self.0.get(key) {
            Some(answer) => Ok(answer.to_string()),
            None => Err(TaskError::new(ErrorCode::Upstream, format!("{key} failed"))),
        }
    }
}

fn plan(parts: &[&str]) -> Value {
    json!({"fileName": "worklogs.csv", "mediaType": "text/csv", "piece": "", "rows": 0, "parts": parts})
}

#[test]
fn an_export_in_parts_joins_them_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.csv");
    let ops = Arc::new(ByContinuation(
        [
            ("", plan(&["p1", "p2", "p3"])),
            ("p1", piece(b"a,b\r\n1,1\r\n", 1, Some(json!("p1b")))),
            ("p1b", piece(b"2,2\r\n", 2, None)),
            // An empty part, then the last.
            ("p2", piece(b"", 0, None)),
            ("p3", piece(b"3,3\r\n", 1, None)),
        ]
        .into(),
    ));
    let flags = ExportFlags {
        jobs: Some(3),
        ..export_flags(out.clone(), Format::Csv)
    };
    let rows = block_on(export_index(Arc::clone(&ops), &flags)).unwrap();
    assert_eq!(rows, 3);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        b"a,b\r\n1,1\r\n2,2\r\n3,3\r\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no part's file left"
    );

    // A part that fails fails the export: no file, no part's file left.
    std::fs::remove_file(&out).unwrap();
    let ops = Arc::new(ByContinuation(
        [
            ("", plan(&["p1", "p2"])),
            ("p1", piece(b"a,b\r\n1,1\r\n", 1, None)),
        ]
        .into(),
    ));
    let err = block_on(export_index(ops, &flags)).unwrap_err();
    assert!(err.to_string().contains("p2 failed"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn demo_data_and_the_offline_report_agree_with_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat.csv");
    demo_data(&DemoDataFlags {
        worklogs: 2000,
        seed: 9,
        year: 2025,
        out: flat.clone(),
    })
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&flat).unwrap().permissions().mode();
        assert_ne!(
            mode & 0o044,
            0,
            "readable by others as umask allows: {mode:o}"
        );
    }
    let mut expected = Vec::new();
    flatfile::generate(2000, 9, &mut expected).unwrap();
    assert!(std::fs::read(&flat).unwrap() == expected, "same bytes");

    let out = dir.path().join("report.csv");
    let flags = ReportFlags {
        input: Some(flat.clone()),
        ..report_flags(
            &["--group-by", "person,week", "--tz", "Europe/Berlin"],
            Some(out.clone()),
            Format::Csv,
        )
    };
    let (worklogs, groups) = report_file(&flat, &flags).unwrap();
    assert_eq!(worklogs, 2000);
    let query = flatfile::query_from_flags("person,week", "Europe/Berlin", "monday").unwrap();
    let mut library = Vec::new();
    flatfile::report(
        &expected[..],
        query,
        &ExportOptions::new(ExportFormat::Csv),
        &mut library,
    )
    .unwrap();
    let written = std::fs::read(&out).unwrap();
    assert!(written == library, "same report");
    assert_eq!(
        String::from_utf8(written).unwrap().lines().count(),
        groups + 1
    );

    let xlsx = dir.path().join("flat.xlsx");
    let flags = ExportFlags {
        query: QueryFlags::default(),
        ..export_flags(xlsx.clone(), Format::Xlsx)
    };
    let rows = export_file(&flat, &flags).unwrap();
    assert_eq!(rows, 2000);
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
}

#[test]
fn a_bad_flat_file_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    std::fs::write(
        &input,
        "author_account_id,started_utc,seconds\r\na,2026-03-25T09:00:00.000Z,60\r\nb,yesterday,60\r\n",
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let flags = report_flags(&["--group-by", "person"], Some(out.clone()), Format::Csv);
    let err = report_file(&input, &flags).unwrap_err();
    assert!(matches!(err, Failure::Other(_)));
    assert!(
        err.to_string().contains("bad.csv: line 3: started_utc"),
        "{err}"
    );
    assert!(!out.exists());
    let missing = dir.path().join("missing.csv");
    let err = report_file(&missing, &flags).unwrap_err();
    assert!(err.to_string().starts_with("cannot read --input"), "{err}");
}

/// A target that is not a file (a pipe here, `/dev/null` in practice) is
/// written as it is, never replaced by a file renamed over it; a symbolic
/// link keeps pointing at its file, which gets the new bytes.
#[cfg(unix)]
#[test]
fn an_output_writes_through_pipes_and_links_without_replacing_them() {
    use std::io::{Read, Write};
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            std::fs::File::open(pipe)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            bytes
        })
    };
    let mut out = Output::create(Some(&pipe)).unwrap();
    out.write_all(b"a,b\r\n").unwrap();
    out.commit().unwrap();
    // Before the reader is waited for: a pipe replaced by a file would
    // leave it waiting for ever.
    assert!(std::fs::metadata(&pipe).unwrap().file_type().is_fifo());
    assert_eq!(reader.join().unwrap(), b"a,b\r\n");

    let file = dir.path().join("file.csv");
    std::fs::write(&file, b"old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let mut out = Output::create(Some(&link)).unwrap();
    out.write_all(b"new").unwrap();
    out.commit().unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&file).unwrap(), b"new");
}
