//! Open projects: where *Browse projects* goes only to project-wide holders, so
//! that browsing the project means seeing every issue in it. The sync records
//! them after each run from the projects' permission schemes
//! ([`crate::access::open_projects`]); reports check the issues of every other
//! project with Jira, as the viewer. A project missing here is checked, so a
//! failed or partial write errs on the side of asking.

use std::collections::BTreeSet;

use super::first_column;
use super::multi_row;
use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

/// The most projects the index keeps per site for this purpose.
pub const MAX_PROJECTS: usize = 10_000;

/// The open projects of `site`, by Jira project id.
///
/// # Errors
///
/// The database's errors.
pub async fn open_projects(ctx: &Ctx, site: i64) -> Result<BTreeSet<i64>, Error> {
    let rows = ctx
        .sql(
            &format!("SELECT project FROM open_projects WHERE site = ? LIMIT {MAX_PROJECTS}"),
            vec![Value::Int(site)],
        )
        .await?;
    Ok(first_column(&rows))
}

/// The projects of the issues indexed for `site`.
///
/// # Errors
///
/// The database's errors.
pub async fn indexed_projects(ctx: &Ctx, site: i64) -> Result<Vec<i64>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT DISTINCT project FROM issues WHERE site = ? ORDER BY project LIMIT {MAX_PROJECTS}"
            ),
            vec![Value::Int(site)],
        )
        .await?;
    Ok(first_column(&rows))
}

/// Replaces the open projects of `site`: first forgets them all (so that,
/// until the new list is written, every project is checked), then writes `open`.
///
/// # Errors
///
/// The database's errors.
pub async fn save_open_projects(
    ctx: &Ctx,
    site: i64,
    open: &BTreeSet<i64>,
    now_ms: i64,
) -> Result<(), Error> {
    ctx.sql(
        "DELETE FROM open_projects WHERE site = ?",
        vec![Value::Int(site)],
    )
    .await?;
    let rows = open
        .iter()
        .map(|&p| vec![Value::Int(site), Value::Int(p), Value::Int(now_ms)])
        .collect();
    for (sql, params) in multi_row(
        "REPLACE INTO open_projects (site, project, checked) VALUES",
        3,
        rows,
    ) {
        ctx.sql(&sql, params).await?;
    }
    Ok(())
}
