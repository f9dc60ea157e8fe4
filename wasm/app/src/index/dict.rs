//! Reading the dictionary `dict`: entries by id (what rows refer to, and what
//! a write finds already stored), and by kind, the few entries of one kind
//! that an operation needs all of (the labels of erased accounts, the
//! attribute sets).

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::{int, read_by_ids, refused_for_cost, Kind, HALVINGS};

/// The ids of the site's dictionary entries of `kind`, at most `limit` of
/// them (in the engine's order).
///
/// # Errors
///
/// The database's errors.
pub async fn ids_of_kind(
    ctx: &Ctx,
    site: i64,
    kind: Kind,
    limit: usize,
) -> Result<Vec<i64>, Error> {
    let rows = ctx
        .sql(
            &format!("SELECT id FROM dict WHERE site = ? AND kind = ? LIMIT {limit}"),
            vec![Value::Int(site), Value::Int(kind as i64)],
        )
        .await?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| row.first().and_then(int))
        .collect())
}

/// Entries per page of [`texts_of_kind`].
const TEXTS_PER_PAGE: usize = 1000;

/// The texts of every one of the site's dictionary entries of `kind` (a
/// value that is not text is skipped), in id order: keyset pages of 1,000,
/// halved (as [`read_by_ids`] does) while the database refuses an answer as
/// too large, so long entries are read in smaller pages instead of failing.
///
/// # Errors
///
/// The database's errors; `limit` when a page of the smallest size is still
/// refused.
pub async fn texts_of_kind(ctx: &Ctx, site: i64, kind: Kind) -> Result<Vec<String>, Error> {
    let mut texts = Vec::new();
    let (mut after, mut page, mut halvings) = (i64::MIN, TEXTS_PER_PAGE, 0);
    loop {
        let answer = ctx
            .sql(
                &format!(
                    "SELECT id, value FROM dict WHERE site = ? AND kind = ? AND id > ? \
                     ORDER BY id LIMIT {page}"
                ),
                vec![Value::Int(site), Value::Int(kind as i64), Value::Int(after)],
            )
            .await;
        let rows = match answer {
            Ok(rows) => rows,
            Err(e) if refused_for_cost(&e) && halvings < HALVINGS => {
                page = (page / 2).max(1);
                halvings += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        for row in &rows.rows {
            let Some(id) = row.first().and_then(int) else {
                continue;
            };
            after = id;
            if let Some(Value::Text(text)) = row.get(1) {
                texts.push(text.clone());
            }
        }
        if rows.rows.len() < page {
            return Ok(texts);
        }
    }
}

/// A dictionary entry as stored.
#[derive(Debug)]
pub struct DictEntry {
    /// The entry's id.
    pub id: i64,
    /// Its text.
    pub value: String,
    /// [`Kind`] as stored.
    pub kind: i64,
}

/// The dictionary entries of `site` among `ids` (those stored).
///
/// # Errors
///
/// The database's errors.
pub async fn entries(ctx: &Ctx, site: i64, ids: &[i64]) -> Result<Vec<DictEntry>, Error> {
    let rows = read_by_ids(
        ctx,
        "SELECT id, value, kind FROM dict WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
        site,
        ids,
        0,
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(DictEntry {
                id: row.first().and_then(int)?,
                value: match row.get(1) {
                    Some(Value::Text(t)) => t.clone(),
                    _ => String::new(),
                },
                kind: row.get(2).and_then(int)?,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use crate::protocol::Value;
    use crate::testing::FakeHost;
    use crate::Error;

    /// The bytes of text in an answer, as a database counts its response.
    fn text_bytes(rows: &crate::protocol::SqlRows) -> usize {
        rows.rows
            .iter()
            .flatten()
            .map(|v| match v {
                Value::Text(t) => t.len(),
                _ => 8,
            })
            .sum()
    }

    /// 2,500 entries of 1,000 bytes each, and a host counting the reads of
    /// the dictionary and refusing them as `refuse` says.
    fn host_with_long_entries(
        refuse: impl Fn(usize) -> Option<Error> + 'static,
    ) -> (FakeHost, Rc<Cell<usize>>, Rc<Cell<usize>>) {
        let (reads, refused) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let (r, f) = (reads.clone(), refused.clone());
        let host = FakeHost::new(Some("acc-a")).refuse_sql(move |statement, rows| {
            if !statement.sql.contains("FROM dict") {
                return None;
            }
            r.set(r.get() + 1);
            let e = refuse(text_bytes(rows))?;
            f.set(f.get() + 1);
            Some(e)
        });
        for id in 1..=2_500 {
            host.exec(&format!(
                "INSERT INTO dict (site, id, kind, value) VALUES (1, {id}, 3, '{}')",
                format!("{id:04}").repeat(250)
            ));
        }
        (host, reads, refused)
    }

    fn read_all(host: &mut FakeHost) -> Result<serde_json::Value, Error> {
        host.run_with(|ctx| {
            Box::pin(async move {
                let ids: Vec<i64> = (1..=2_500).collect();
                let entries = super::entries(&ctx, 1, &ids).await?;
                let ok = entries.len() == 2_500
                    && entries.iter().enumerate().all(|(n, e)| {
                        e.id == n as i64 + 1 && e.value == format!("{:04}", e.id).repeat(250)
                    });
                Ok(ok.to_string())
            })
        })
    }

    #[test]
    fn entries_too_large_for_one_answer_are_read_in_halves_in_order() {
        // As if the response limit were 300 kB: a chunk of 1,000 entries
        // (1 MB) is refused, halved twice to 250, which pass.
        let (mut host, reads, refused) = host_with_long_entries(|bytes| {
            (bytes > 300_000).then(|| Error::limit("the SQL response is larger than 4 MiB"))
        });
        assert_eq!(read_all(&mut host).unwrap(), serde_json::json!(true));
        // 3 chunks (1,000, 1,000, 500); 1,000 → 2 × 500 → 4 × 250, 500 → 2 × 250.
        assert_eq!(refused.get(), 2 + 4 + 1);
        assert_eq!(reads.get(), 3 + 4 + 8 + 2);
    }

    #[test]
    fn every_entry_of_a_kind_is_read_in_pages_halved_while_too_large() {
        let (mut host, reads, refused) = host_with_long_entries(|bytes| {
            (bytes > 300_000).then(|| Error::limit("the SQL response is larger than 4 MiB"))
        });
        let all = host
            .run_with(|ctx| {
                Box::pin(async move {
                    let texts = super::texts_of_kind(&ctx, 1, super::Kind::Attributes).await?;
                    let expected: Vec<String> = (1..=2_500)
                        .map(|id| format!("{id:04}").repeat(250))
                        .collect();
                    Ok((texts == expected).to_string())
                })
            })
            .unwrap();
        assert_eq!(all, serde_json::json!(true));
        // A page of 1,000 and one of 500 refused, then pages of 250: 10 of
        // them and the empty one that ends the read.
        assert_eq!((refused.get(), reads.get()), (2, 2 + 11));
    }

    #[test]
    fn a_refusal_halving_does_not_cure_is_the_answer_after_five_halvings() {
        // As Forge SQL refuses every statement once the installation's query
        // time for the minute is spent.
        let (mut host, reads, _) = host_with_long_entries(|_| {
            Some(Error::limit(
                "the installation's SQL query time for this minute is spent",
            ))
        });
        let e = read_all(&mut host).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Limit);
        assert!(e.message().contains("query time"), "{}", e.message());
        // Each of the 3 chunks as 1, 2, 4, 8, 16 and 32 statements: bounded.
        assert_eq!(reads.get(), 3 * 63);
    }
}
