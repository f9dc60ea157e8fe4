//! Round trips through real files' bytes.

use worklogs_core::calendar::{WeekStart, Zone};
use worklogs_core::export::{ExportFormat, ExportOptions};
use worklogs_core::report::{ReportQuery, Worklog};

use super::*;

fn generated(n: u64) -> Vec<u8> {
    let mut file = Vec::new();
    generate(n, 11, &mut file).unwrap();
    file
}

#[test]
fn a_generated_file_re_exports_to_the_same_bytes() {
    // Reading neutralised text back and writing it again is lossless.
    let file = generated(2000);
    let mut again = Vec::new();
    let rows = export(
        &file[..],
        &ExportOptions::new(ExportFormat::Csv),
        &mut again,
    )
    .unwrap();
    assert_eq!(rows, 2000);
    assert!(file == again, "re-export differs");
}

#[test]
fn generated_files_hold_tricky_text() {
    let text = String::from_utf8(generated(3000)).unwrap();
    assert!(text.contains("'=HYPERLINK"), "formula text is neutralised");
    assert!(!text.contains(",=HYPERLINK"), "never raw");
    assert!(text.contains("\"Call with customer, discussed \"\"next steps\"\"\""));
    assert!(text.contains("Fixed failing tests\nDeployed"));
}

#[test]
fn reports_over_a_file_count_every_worklog_once() {
    let file = generated(3000);
    let mut total = 0_u64;
    let mut reader = FlatReader::new(&file[..]).unwrap();
    let mut count = 0;
    while let Some(record) = reader.next_record().unwrap() {
        total += record.seconds().get();
        count += 1;
    }
    assert_eq!(count, 3000);
    for group_by in [
        &["person", "week"][..],
        &["project", "month"],
        &["label", "person"],
        &[],
    ] {
        let query = ReportQuery::grouped(
            Zone::parse("Europe/Berlin").unwrap(),
            WeekStart::Monday,
            group_by,
        )
        .unwrap();
        let mut out = Vec::new();
        let result = report(
            &file[..],
            query,
            &ExportOptions::new(ExportFormat::Csv),
            &mut out,
        )
        .unwrap();
        assert_eq!(result.total.seconds, total, "{group_by:?}");
        assert_eq!(result.worklogs, 3000);
        let sum: u64 = result.rows.iter().map(|r| r.values.seconds).sum();
        if result.multi_valued {
            assert!(sum >= total);
        } else if !group_by.is_empty() {
            assert_eq!(sum, total, "{group_by:?}");
        }
        let lines = String::from_utf8(out).unwrap().lines().count();
        assert_eq!(lines, result.rows.len() + 1, "{group_by:?}");
    }
}

#[test]
fn european_files_are_read_too() {
    let options = GenerateOptions {
        export: ExportOptions {
            csv: worklogs_core::export::csv::CsvOptions::new(
                worklogs_core::export::csv::Delimiter::Semicolon,
                worklogs_core::export::csv::DecimalSeparator::Comma,
                true,
            )
            .unwrap(),
            ..ExportOptions::new(ExportFormat::Csv)
        },
        ..GenerateOptions::new(300, 3)
    };
    let mut european = Vec::new();
    generate_with(&options, &mut european).unwrap();
    assert!(european.starts_with("\u{feff}worklog_id;".as_bytes()));
    let query = query_from_flags("project", "UTC", "monday").unwrap();
    let a = report(
        &european[..],
        query.clone(),
        &ExportOptions::new(ExportFormat::Json),
        Vec::new(),
    )
    .unwrap();
    let b = report(
        &generated_with_seed(300, 3)[..],
        query,
        &ExportOptions::new(ExportFormat::Json),
        Vec::new(),
    )
    .unwrap();
    assert_eq!(a, b);
}

fn generated_with_seed(n: u64, seed: u64) -> Vec<u8> {
    let mut file = Vec::new();
    generate(n, seed, &mut file).unwrap();
    file
}

#[test]
fn bad_files_name_the_line() {
    let missing = "worklog_id,seconds\r\n1,60\r\n";
    let err = FlatReader::new(missing.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("author_account_id"), "{err}");
    let bad = "author_account_id,started_utc,seconds\r\na,2026-03-25T09:00:00.000Z,60\r\nb,yesterday,60\r\n";
    let query = query_from_flags("person", "UTC", "monday").unwrap();
    let err = report(
        bad.as_bytes(),
        query.clone(),
        &ExportOptions::new(ExportFormat::Csv),
        Vec::new(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 3: started_utc: invalid instant \"yesterday\""),
        "{err}"
    );
    let bad = "author_account_id,started_utc,seconds\r\na,2026-03-25T09:00:00.000Z,-5\r\n";
    let err = report(
        bad.as_bytes(),
        query,
        &ExportOptions::new(ExportFormat::Csv),
        Vec::new(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("line 2: invalid seconds \"-5\""),
        "{err}"
    );
}

#[test]
fn approval_states_survive_the_round_trip_and_filter_reports() {
    use worklogs_core::approval::State;
    let file = generated(2000);
    let header = String::from_utf8(file.clone()).unwrap();
    let header = header.lines().next().unwrap().to_owned();
    // Schema 2: approval_state right after attributes_valid, before attr_*.
    assert!(
        header.contains("attributes_valid,approval_state,attr_"),
        "{header}"
    );
    let mut approved = 0_u64;
    let mut states = std::collections::BTreeSet::new();
    let mut reader = FlatReader::new(&file[..]).unwrap();
    while let Some(record) = reader.next_record().unwrap() {
        states.insert(record.approval_state());
        if record.approval_state() == State::Approved {
            approved += record.seconds().get();
        }
    }
    assert_eq!(
        states.into_iter().collect::<Vec<_>>(),
        [State::Open, State::Submitted, State::Approved]
    );
    let query = ReportQuery::from_json(
        r#"{"timeZone": "UTC", "filter": {"approvalStates": ["approved"]}, "groupBy": ["approvalState"]}"#,
    )
    .unwrap();
    let result = report(
        &file[..],
        query,
        &ExportOptions::new(ExportFormat::Json),
        Vec::new(),
    )
    .unwrap();
    assert_eq!(result.total.seconds, approved);
    assert_eq!(result.rows.len(), 1);
    assert_eq!(result.rows[0].keys[0].id.as_deref(), Some("approved"));
    // A version 1 file (no column) reads as open; a bad value names its line.
    let old = "author_account_id,started_utc,seconds\r\na,2026-03-25T09:00:00.000Z,60\r\n";
    let mut reader = FlatReader::new(old.as_bytes()).unwrap();
    assert_eq!(
        reader.next_record().unwrap().unwrap().approval_state(),
        State::Open
    );
    let bad = "author_account_id,started_utc,seconds,approval_state\r\na,2026-03-25T09:00:00.000Z,60,done\r\n";
    let mut reader = FlatReader::new(bad.as_bytes()).unwrap();
    let err = reader.next_record().unwrap_err();
    assert!(
        err.to_string()
            .contains("line 2: invalid approval_state \"done\""),
        "{err}"
    );
}
