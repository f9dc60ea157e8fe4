//! Throughput of the report engine and the exporters over worklogs already in
//! memory (as the component holds a page read from SQL): no file parsing, so
//! this is the engine's own cost. `bench/report_bench.py` measures the whole
//! path (a flat file or the index) against DuckDB and pandas.
//!
//! Run with `cargo bench -p worklogs-core --bench report`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use worklogs_core::calendar::{Instant, WeekStart, Zone};
use worklogs_core::duration::{Seconds, TimeTrackingSettings};
use worklogs_core::export::flat::{FlatRow, FlatSchema};
use worklogs_core::export::{self, ExportFormat, ExportOptions, Totals};
use worklogs_core::report::{ReportBuilder, ReportQuery, Resolution};

const WORKLOGS: usize = 100_000;

/// A deterministic set: 200 people, 20 projects, 5,000 issues, one year from
/// 2025-01-01, quarter hours (a small xorshift, as the core has no random source).
fn worklogs() -> Vec<FlatRow> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let year_ms: u64 = 365 * 86_400_000;
    (0..WORKLOGS)
        .map(|i| {
            let person = next(200);
            let project = next(20);
            let issue = next(250);
            FlatRow {
                worklog_id: (100_000 + i).to_string(),
                issue_id: (20_000 + project * 250 + issue).to_string(),
                issue_key: format!("P{project}-{issue}"),
                issue_summary: format!("Issue {issue} of project {project}"),
                issue_type: "Task".into(),
                issue_status: "In Progress".into(),
                project_id: (10_000 + project).to_string(),
                project_key: format!("P{project}"),
                project_name: format!("Project {project}"),
                author_account_id: format!("5b10a2844c20165700ede{person:03}"),
                author_display_name: format!("Person {person}"),
                started: Instant::from_millis(
                    1_735_689_600_000 + i64::try_from(next(year_ms)).unwrap_or(0),
                ),
                seconds: Seconds::new(900 * (1 + next(16))).unwrap_or(Seconds::ZERO),
                billable: next(3) > 0,
                comment: "Worked on the ticket, see \"notes\"".into(),
                updated: Instant::from_millis(1_767_225_600_000),
                ..FlatRow::default()
            }
        })
        .collect()
}

fn bench_report(c: &mut Criterion) {
    let rows = worklogs();
    let zone = Zone::parse("Europe/Berlin").expect("a zone");
    let mut group = c.benchmark_group("report");
    group.throughput(Throughput::Elements(WORKLOGS as u64));
    group.sample_size(20);
    for levels in [&["person", "week"][..], &["project", "month"]] {
        let query = ReportQuery::grouped(zone, WeekStart::Monday, levels).expect("a query");
        group.bench_function(levels.join("×"), |b| {
            b.iter_batched(
                || query.clone(),
                |query| {
                    let mut builder = ReportBuilder::new(
                        query,
                        Resolution::default(),
                        TimeTrackingSettings::default(),
                        None,
                    )
                    .expect("a builder");
                    builder.push_page(&rows).expect("pushed");
                    black_box(builder.finish().expect("a result"))
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn bench_export(c: &mut Criterion) {
    let rows = worklogs();
    let zone = Zone::parse("Europe/Berlin").expect("a zone");
    let schema = FlatSchema::new(zone, Vec::<String>::new(), 2).expect("a schema");
    let mut group = c.benchmark_group("export");
    group.throughput(Throughput::Elements(WORKLOGS as u64));
    group.sample_size(10);
    for format in [ExportFormat::Csv, ExportFormat::Json, ExportFormat::Xlsx] {
        group.bench_function(format.extension(), |b| {
            b.iter(|| {
                let options = ExportOptions::new(format);
                let mut exporter =
                    export::exporter(&options, schema.columns().to_vec()).expect("an exporter");
                let mut out = Vec::with_capacity(1 << 20);
                let mut encoded = Vec::new();
                exporter.begin(&mut out).expect("begun");
                for row in &rows {
                    let cells = schema.cells(row).expect("cells");
                    encoded.clear();
                    exporter.encode_row(&cells, &mut encoded).expect("encoded");
                    exporter
                        .write_row(&cells, &encoded, &mut out)
                        .expect("written");
                    if out.len() > 1 << 20 {
                        black_box(&out);
                        out.clear();
                    }
                }
                exporter
                    .finish(Totals::Formulas, &mut out)
                    .expect("finished");
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_report, bench_export);
criterion_main!(benches);
