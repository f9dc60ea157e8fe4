//! The benchmark driver (`bench/report_bench.py` runs it): thin glue over the
//! library, printing one JSON line of figures to stderr.
//!
//! ```text
//! flatfile generate N SEED OUT.csv
//! flatfile report IN.csv OUT GROUP_BY ZONE WEEK_START FORMAT
//! flatfile export IN.csv OUT FORMAT
//! ```

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::process::ExitCode;
use std::time::Instant;

use worklogs_core::export::{ExportFormat, ExportOptions};

fn run(args: &[String]) -> Result<String, Box<dyn std::error::Error>> {
    let clock = Instant::now();
    let open = |path: &str| -> Result<BufReader<File>, std::io::Error> {
        Ok(BufReader::with_capacity(1 << 20, File::open(path)?))
    };
    let create = |path: &str| -> Result<BufWriter<File>, std::io::Error> {
        Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
    };
    let figures = match args {
        [op, n, seed, out] if op == "generate" => {
            worklogs_flatfile::generate(n.parse()?, seed.parse()?, create(out)?)?;
            format!(r#""worklogs": {n}"#)
        }
        [op, input, out, group_by, zone, week_start, format] if op == "report" => {
            let query = worklogs_flatfile::query_from_flags(group_by, zone, week_start)?;
            let options = ExportOptions::new(format.parse::<ExportFormat>()?);
            let result = worklogs_flatfile::report(open(input)?, query, &options, create(out)?)?;
            format!(r#""worklogs": {}, "groups": {}"#, result.worklogs, result.rows.len())
        }
        [op, input, out, format] if op == "export" => {
            let options = ExportOptions::new(format.parse::<ExportFormat>()?);
            let rows = worklogs_flatfile::export(open(input)?, &options, create(out)?)?;
            format!(r#""rows": {rows}"#)
        }
        _ => return Err("usage: flatfile generate N SEED OUT | report IN OUT GROUP_BY ZONE WEEK_START FORMAT | export IN OUT FORMAT".into()),
    };
    Ok(format!(
        r#"{{"op": "{}", "seconds": {:.3}, {figures}}}"#,
        args.first().map_or("", String::as_str),
        clock.elapsed().as_secs_f64()
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(line) => {
            eprintln!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
