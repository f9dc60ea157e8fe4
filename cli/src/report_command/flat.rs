//! The commands over a flat file, with no component, Jira or database: `worklogs
//! demo-data` writes one, `report --input` and `export --input` read one record
//! by record with the core's engine and exporters ([`crate::flatfile`]).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use indicatif::ProgressBar;
use serde_json::json;
use worklogs_core::export::ExportOptions;
use worklogs_core::report::ReportQuery;

use super::output::{progress_bar, Output, BYTES_BAR, ROWS_BAR};
use super::{
    export_options, export_options_json, DemoDataFlags, ExportFlags, Failure, QueryFlags,
    ReportFlags,
};
use crate::flatfile::{self, GenerateOptions};

/// Opens a flat file for reading, counting its bytes on `bar`.
fn open_input(path: &Path, bar: &ProgressBar) -> Result<impl Read, Failure> {
    let file = File::open(path)
        .map_err(|err| Failure::Usage(format!("cannot read --input {}: {err}", path.display())))?;
    if let Ok(meta) = file.metadata() {
        bar.set_length(meta.len());
    }
    Ok(BufReader::with_capacity(1 << 20, bar.wrap_read(file)))
}

fn flat_error(path: &Path, err: &flatfile::Error) -> Failure {
    Failure::Other(format!("{}: {err}", path.display()))
}

/// `worklogs demo-data`: writes a generated flat export.
///
/// # Errors
///
/// When the file cannot be written.
pub fn demo_data(flags: &DemoDataFlags) -> Result<(), Failure> {
    let options = GenerateOptions {
        year: flags.year,
        ..GenerateOptions::new(flags.worklogs, flags.seed)
    };
    let mut out = Output::create(Some(&flags.out))?;
    let bar = progress_bar(Some(flags.worklogs), ROWS_BAR);
    bar.set_message("worklogs");
    flatfile::generate_with_progress(&options, &mut out, |n| bar.set_position(n))
        .map_err(|err| Failure::Other(format!("cannot write {}: {err}", flags.out.display())))?;
    bar.finish_and_clear();
    out.commit()
}

/// `worklogs report --input FILE`: the core's engine over a flat file.
/// Returns the number of worklogs and of groups.
///
/// # Errors
///
/// [`Failure::Usage`] for a flag; [`Failure::Other`] for a bad file (with the
/// line) or a write error.
pub fn report_file(input: &Path, flags: &ReportFlags) -> Result<(u64, usize), Failure> {
    let mut json = flags.query.to_json(&str::to_owned)?;
    // Offline, there is no context zone: UTC unless the flags or the file say.
    json.as_object_mut()
        .map(|q| q.entry("timeZone").or_insert_with(|| json!("UTC")));
    let query = ReportQuery::from_json(&json.to_string()).map_err(|err| {
        let flag = err.field().map_or("the query", |f| flags.query.flag_of(f));
        Failure::Usage(format!("{flag}: {err}"))
    })?;
    let options = ExportOptions::new(flags.format.export_format());
    let bar = progress_bar(None, BYTES_BAR);
    let reader = open_input(input, &bar)?;
    let mut out = Output::create(flags.out.as_deref())?;
    let result = flatfile::report(reader, query, &options, &mut out)
        .map_err(|err| flat_error(input, &err))?;
    bar.finish_and_clear();
    out.commit()?;
    Ok((result.worklogs, result.rows.len()))
}

/// `worklogs export --input FILE`: converts a flat file with the core's
/// exporters. Returns the number of rows.
///
/// # Errors
///
/// As [`report_file`].
pub fn export_file(input: &Path, flags: &ExportFlags) -> Result<u64, Failure> {
    if flags.query != QueryFlags::default() {
        return Err(Failure::Usage(
            "the query flags do not apply to export --input, which converts every row of the file (use report --input to group and filter)".into(),
        ));
    }
    let options = export_options(flags.format, export_options_json(flags).as_ref())?;
    let bar = progress_bar(None, BYTES_BAR);
    let reader = open_input(input, &bar)?;
    let mut out = Output::create(Some(&flags.out))?;
    let rows =
        flatfile::export(reader, &options, &mut out).map_err(|err| flat_error(input, &err))?;
    bar.finish_and_clear();
    out.commit()?;
    Ok(rows)
}
