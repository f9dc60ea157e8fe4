//! Parse and format throughput of Jira durations.
//!
//! Run with `cargo bench -p worklogs-core --bench durations`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use worklogs_core::duration::{format_as, parse, Seconds, Style, TimeTrackingSettings};

const INPUTS: &[&str] = &[
    "1w 2d 3h 30m",
    "1.5h",
    "90m",
    "2d",
    "1h30m",
    "45",
    "0.25d 1.75h",
    "3H 15M",
];

fn bench_parse(c: &mut Criterion) {
    let settings = TimeTrackingSettings::default();
    let mut group = c.benchmark_group("duration");
    group.throughput(Throughput::Elements(INPUTS.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for input in INPUTS {
                let _ = black_box(parse(black_box(input), &settings));
            }
        })
    });
    group.finish();
}

fn bench_format(c: &mut Criterion) {
    let settings = TimeTrackingSettings::default();
    let values: Vec<Seconds> = [
        214_200_u64,
        5400,
        1200,
        2700,
        28_800,
        90,
        3_600_000,
        123_457,
    ]
    .into_iter()
    .filter_map(|s| Seconds::new(s).ok())
    .collect();
    let mut group = c.benchmark_group("duration");
    group.throughput(Throughput::Elements(values.len() as u64));
    for style in [Style::Pretty, Style::Days, Style::Hours] {
        group.bench_function(format!("format_{style}"), |b| {
            b.iter(|| {
                for value in &values {
                    black_box(format_as(black_box(*value), &settings, style));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_parse, bench_format);
criterion_main!(benches);
