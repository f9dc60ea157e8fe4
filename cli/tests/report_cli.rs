//! `worklogs report` and `worklogs export` over the index, through the real
//! component: the demo world imported, then `report.run` and `export.run` as the
//! CLI runs them, and their results compared with each other.

// The host's integration-test helpers (the component, hosts on temporary data
// directories), shared rather than copied.
#[path = "../../host/tests/all/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Parser;
use worklogs_cli::report_command::{
    export_index, report_index, sync_demo, ExportFlags, ReportFlags,
};

#[derive(Parser)]
struct ReportCli {
    #[command(flatten)]
    flags: ReportFlags,
}

#[derive(Parser)]
struct ExportCli {
    #[command(flatten)]
    flags: ExportFlags,
}

const PERIOD: [&str; 4] = ["--from", "2026-01-01", "--to", "2026-12-31"];

fn report_flags(out: &Path, extra: &[&str]) -> ReportFlags {
    let mut argv = vec!["report", "--out", out.to_str().unwrap(), "--tz", "UTC"];
    argv.extend_from_slice(&PERIOD);
    argv.extend_from_slice(extra);
    ReportCli::try_parse_from(argv).unwrap().flags
}

fn export_flags(out: &Path, extra: &[&str]) -> ExportFlags {
    let mut argv = vec!["export", "--out", out.to_str().unwrap(), "--tz", "UTC"];
    argv.extend_from_slice(&PERIOD);
    argv.extend_from_slice(extra);
    ExportCli::try_parse_from(argv).unwrap().flags
}

/// The `seconds` column of a CSV file, summed, and its row count.
fn seconds_column(path: &PathBuf) -> (u64, usize) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let index = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "seconds")
        .expect("a seconds column");
    let mut sum = 0;
    let mut rows = 0;
    for record in reader.records() {
        sum += record.unwrap()[index].parse::<u64>().unwrap();
        rows += 1;
    }
    (sum, rows)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_and_the_export_over_the_index_agree() {
    let (app, dir) = common::demo_app(common::runtime_with(Default::default())).await;
    let app = Arc::new(app);
    sync_demo(&app).await.unwrap();

    let report = dir.path().join("report.csv");
    let groups = report_index(
        &*app,
        &report_flags(&report, &["--group-by", "person,week"]),
    )
    .await
    .unwrap();
    let (report_seconds, report_rows) = seconds_column(&report);
    assert_eq!(report_rows, groups);
    assert!(groups > 0, "the demo world has worklogs in the period");
    let header = std::fs::read_to_string(&report).unwrap();
    assert!(
        header.starts_with("person_account_id,person_name,week_start,seconds,hours\r\n"),
        "{header}"
    );

    let export = dir.path().join("export.csv");
    let rows = export_index(
        Arc::clone(&app),
        &export_flags(&export, &["--format", "csv", "--jobs", "1"]),
    )
    .await
    .unwrap();
    let (export_seconds, export_rows) = seconds_column(&export);
    assert_eq!(export_rows as u64, rows);
    assert_eq!(
        export_seconds, report_seconds,
        "every worklog once, both ways"
    );

    // In parts, eight jobs side by side (64 parts of under a week), the same file.
    let parts = dir.path().join("parts.csv");
    let parts_rows = export_index(
        Arc::clone(&app),
        &export_flags(&parts, &["--format", "csv", "--jobs", "8"]),
    )
    .await
    .unwrap();
    assert_eq!(parts_rows, rows);
    assert!(
        std::fs::read(&parts).unwrap() == std::fs::read(&export).unwrap(),
        "the same bytes"
    );
    assert_eq!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".part")
            })
            .count(),
        0,
        "no part's file left"
    );

    let xlsx = dir.path().join("export.xlsx");
    let xlsx_rows = export_index(
        Arc::clone(&app),
        &export_flags(&xlsx, &["--format", "xlsx"]),
    )
    .await
    .unwrap();
    assert_eq!(xlsx_rows, rows);
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_query_is_the_operations_error_and_writes_nothing() {
    let (app, dir) = common::demo_app(common::runtime_with(Default::default())).await;
    let out = dir.path().join("report.csv");
    let err = report_index(&app, &report_flags(&out, &["--group-by", "person,colour"]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
    assert!(!out.exists());
}
