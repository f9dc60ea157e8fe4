//! The app's own settings: one row of the table `settings` per installation
//! and name (see [`crate::schema`]), holding one JSON text. Each stored value
//! is a type implementing [`Setting`]: its row name, what it holds, how it is
//! read and written, its value when never saved and its largest size (a value
//! stored as its own serde JSON implements [`JsonSetting`] instead, which states
//! only the row name and what it holds). [`load`] and [`save`] are the only way
//! in and out of the table.
//!
//! A stored value the app cannot read back is the app's own data gone bad,
//! not a failure of Jira or of the database: it is reported as `internal`,
//! naming the row and what was expected (see `docs/architecture.md`).
//!
//! Every statement is parameterised and every read is bounded with `LIMIT`.
//! Each write is one statement, so there are no transactions to lose half-way.

pub mod audit;
pub mod audit_rows;
pub mod backup_rows;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

/// The most bytes of a stored value: MySQL's `TEXT` (Forge SQL) holds 65,535.
pub const MAX_BYTES: usize = 65_535;

/// A value stored as one settings row.
pub trait Setting: Sized {
    /// The row's name (`settings.name`, at most 64 characters).
    const NAME: &'static str;
    /// What the row holds, for messages: `the stored setting "rates" is not
    /// {WHAT}: …`.
    const WHAT: &'static str;
    /// The most bytes of the stored text.
    const MAX_BYTES: usize = MAX_BYTES;
    /// Whether [`save`] writes an audit entry ([`audit`]) for a change:
    /// every setting a person changes is audited; the app's own bookkeeping
    /// (checkpoints, run state) is not.
    const AUDITED: bool = true;

    /// Reads the stored text.
    ///
    /// # Errors
    ///
    /// Why the text is not a valid value, for the message.
    fn decode(text: &str) -> Result<Self, String>;

    /// The stored text.
    ///
    /// # Errors
    ///
    /// Why the value cannot be written, for the message.
    fn encode(&self) -> Result<String, String>;
}

/// A value stored as its own serde JSON, read and written with [`from_json`]
/// and [`to_json`]: it states the row's name and what the row holds, and gets
/// [`Setting`] from them. A value read through validation, or stored in
/// another shape than its own, implements [`Setting`] itself.
pub trait JsonSetting: Serialize + DeserializeOwned {
    /// As [`Setting::NAME`].
    const NAME: &'static str;
    /// As [`Setting::WHAT`].
    const WHAT: &'static str;
    /// As [`Setting::MAX_BYTES`].
    const MAX_BYTES: usize = MAX_BYTES;
    /// As [`Setting::AUDITED`].
    const AUDITED: bool = true;
}

impl<T: JsonSetting> Setting for T {
    const NAME: &'static str = <T as JsonSetting>::NAME;
    const WHAT: &'static str = <T as JsonSetting>::WHAT;
    const MAX_BYTES: usize = <T as JsonSetting>::MAX_BYTES;
    const AUDITED: bool = <T as JsonSetting>::AUDITED;

    fn decode(text: &str) -> Result<Self, String> {
        from_json(text)
    }

    fn encode(&self) -> Result<String, String> {
        to_json(self)
    }
}

/// Reads a setting as JSON with serde (for [`Setting::decode`]).
///
/// # Errors
///
/// Serde's message.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Writes a setting as JSON with serde (for [`Setting::encode`]).
///
/// # Errors
///
/// Serde's message.
pub fn to_json<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| e.to_string())
}

/// The setting `S` of this installation; its default when never saved.
///
/// # Errors
///
/// As [`load_stored`].
pub async fn load<S: Setting + Default>(ctx: &Ctx) -> Result<S, Error> {
    Ok(load_stored(ctx).await?.unwrap_or_default())
}

/// The setting `S` of this installation, if stored.
///
/// # Errors
///
/// The database's errors; `internal` when the stored value is not valid.
pub async fn load_stored<S: Setting>(ctx: &Ctx) -> Result<Option<S>, Error> {
    load_text(ctx, S::NAME)
        .await?
        .map(|text| decode(&text))
        .transpose()
}

/// Reads the stored text of `S` ([`load_text`] gives it).
///
/// # Errors
///
/// `internal`, naming the row, when the text is not a valid value.
pub fn decode<S: Setting>(text: &str) -> Result<S, Error> {
    S::decode(text).map_err(|e| {
        Error::internal(format!(
            "the stored setting \"{}\" is not {}: {e}",
            S::NAME,
            S::WHAT
        ))
    })
}

/// Stores the setting `S` of this installation, replacing any earlier value.
/// A change to an audited setting ([`Setting::AUDITED`]) is recorded in the
/// audit log, with the text before and after ([`audit::record`]).
///
/// # Errors
///
/// `internal` when the value cannot be written or passes [`Setting::MAX_BYTES`]
/// (operations check their inputs' size first); the database's errors.
pub async fn save<S: Setting>(ctx: &Ctx, value: &S) -> Result<(), Error> {
    let text = encode(value)?;
    if !S::AUDITED {
        return write(ctx, S::NAME, text).await;
    }
    let before = load_text(ctx, S::NAME).await?;
    if before.as_deref() == Some(text.as_str()) {
        return Ok(());
    }
    // The entry first: a failure between the two leaves an entry for a change
    // that did not land, never a change without an entry; saving again keeps
    // that entry ([`audit::record_change`]).
    audit::record_change(ctx, "setting.save", S::NAME, before, Some(text.clone())).await?;
    write(ctx, S::NAME, text).await
}

/// Stores the setting `S` without an audit entry: for the audit log's own
/// bookkeeping ([`audit`]), whose settings are not audited.
///
/// # Errors
///
/// As [`save`].
pub(crate) async fn save_unaudited<S: Setting>(ctx: &Ctx, value: &S) -> Result<(), Error> {
    write(ctx, S::NAME, encode(value)?).await
}

fn encode<S: Setting>(value: &S) -> Result<String, Error> {
    let text = value.encode().map_err(|e| {
        Error::internal(format!(
            "the setting \"{}\" could not be written: {e}",
            S::NAME
        ))
    })?;
    if text.len() > S::MAX_BYTES {
        return Err(Error::internal(format!(
            "the setting \"{}\" takes {} bytes, more than {}",
            S::NAME,
            text.len(),
            S::MAX_BYTES
        )));
    }
    Ok(text)
}

async fn write(ctx: &Ctx, name: &str, text: String) -> Result<(), Error> {
    ctx.sql(
        "REPLACE INTO settings (installation, name, value, updated_ms) VALUES (?, ?, ?, ?)",
        vec![
            Value::Text(ctx.context().installation.clone()),
            Value::Text(name.to_owned()),
            Value::Text(text),
            Value::Int(ctx.context().now_ms),
        ],
    )
    .await
    .map(drop)
}

/// The stored text of the setting `name` of this installation, if stored: for
/// callers that read it concurrently with another effect and decode it later
/// ([`decode`]).
///
/// # Errors
///
/// The host's error when the statement fails; `internal` when the database
/// answers a value that is not text.
pub async fn load_text(ctx: &Ctx, name: &str) -> Result<Option<String>, Error> {
    let rows = ctx
        .sql(
            "SELECT value FROM settings WHERE installation = ? AND name = ? LIMIT 1",
            vec![
                Value::Text(ctx.context().installation.clone()),
                Value::Text(name.to_owned()),
            ],
        )
        .await?;
    match rows.rows.first().and_then(|row| row.first()) {
        None => Ok(None),
        Some(Value::Text(text)) => Ok(Some(text.clone())),
        Some(other) => Err(Error::internal(format!(
            "the stored setting \"{name}\" is not text: {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{http, FakeHost};
    use serde_json::json;

    /// Jira for these runs: the acting user administers Jira, and the time
    /// tracking options are refused (so the stored copy is read).
    fn jira(request: &crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        if request.path.contains("timetracking") {
            http(403, "{}")
        } else {
            http(
                200,
                &json!({"permissions": {"ADMINISTER": {"havePermission": true}}}).to_string(),
            )
        }
    }

    #[test]
    fn every_corrupt_setting_is_internal_and_named() {
        // (setting, a corrupt value, acting user, an operation that reads it)
        let table = [
            ("access.grants", "[1]", Some("admin"), "access.get"),
            (
                "attributes",
                r#"[{"key": 1}]"#,
                Some("ann"),
                "attribute.list",
            ),
            (
                "schedule",
                r#"{"workingDays": ["xyz"], "hoursPerDay": 8}"#,
                Some("ann"),
                "schedule.get",
            ),
            (
                "rates",
                r#"{"rates": [{"scope": "team"}]}"#,
                None,
                "rate.list",
            ),
            (
                "timetracking",
                "not json",
                Some("ann"),
                "timetracking.settings",
            ),
            ("sync.fields", r#"{"a": 1}"#, Some("admin"), "sync.status"),
            ("sync.state", r#"{"run": 5}"#, Some("admin"), "sync.status"),
            ("privacy.state", "{", None, "privacy.report"),
        ];
        for (name, value, account, operation) in table {
            let mut host = FakeHost::new(account).on_jira(jira);
            host.exec(&format!(
                "INSERT INTO settings VALUES ('site-1', '{name}', '{value}', 0)"
            ));
            let e = host.run(operation, json!({})).unwrap_err();
            assert!(e.is_internal(), "{name}: {e}");
            assert!(
                e.message()
                    .starts_with(&format!("the stored setting \"{name}\" is not ")),
                "{name}: {e}"
            );
        }
    }

    #[test]
    fn a_setting_that_is_not_text_is_internal() {
        let mut host = FakeHost::new(Some("ann"));
        host.exec("INSERT INTO settings VALUES ('site-1', 'schedule', X'35', 0)");
        let e = host.run("schedule.get", json!({})).unwrap_err();
        assert!(e.is_internal(), "{e}");
        assert_eq!(
            e.message(),
            "the stored setting \"schedule\" is not text: Blob([53])"
        );
    }
}
