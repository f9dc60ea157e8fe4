//! `report.run`'s continuation: where a report stopped when its reads did not
//! fit one invocation, and what it summed so far.
//!
//! The token is opaque to the caller: the position (offset span, start of the
//! next read, its width) and the core's [`BuilderState`] of the report and of
//! its chart, as JSON, deflated, base64url; then `.` and a SHA-256 over the
//! payload, the caller and the report's definition (base64url, 128 bits).
//! The token names the caller (a hash of the account, none for jobs) and the
//! definition (a hash of the input without `continuation` and `readsPerCall`,
//! and of the zone it is read in): a token from another person or from
//! another report is refused by name, and an edited or damaged one fails its
//! hash. The hash is no signature (the component holds no secret): the
//! carried sums only feed the caller's own answer, and every read after them
//! is checked for the caller again, so an edited token cannot show more than
//! the caller may see.
//!
//! The token is at most [`MAX_TOKEN_BYTES`], so that it and the query fit the
//! 1 MiB input: its size grows with the report's groups (its final answer
//! holds them all too), not with the worklogs.

use std::io::{Read, Write};

use base64::Engine;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worklogs_core::report::BuilderState;

use crate::{input, Error};

/// The most bytes of a token (base64), so that a token and its query stay
/// under the 1 MiB input.
pub const MAX_TOKEN_BYTES: usize = 786_432;

/// The most bytes a token's payload inflates to (JSON).
const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

const VERSION: u32 = 1;

/// Where a report stands: the offset span it reads, where its next read
/// starts and how wide it is, and how many worklogs a read aims at.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Index into the report's offset spans.
    pub span: usize,
    /// Epoch ms where the next read starts.
    pub from: i64,
    /// The next read's width, ms (at least 1).
    pub width: i64,
    /// Worklogs a read aims at: [`super::run::WORKLOGS_PER_READ`], halved
    /// each time the database refused a read (`limit`: too slow or too big).
    /// A token written before it existed aims at the default.
    #[serde(default = "super::run::default_aim")]
    pub aim: u64,
}

/// What a continuation carries.
#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Carried {
    v: u32,
    who: String,
    definition: String,
    /// Where the next call goes on.
    pub at: Position,
    /// Calls so far, this one included when written.
    pub calls: u32,
    /// The report's sums.
    pub report: BuilderState,
    /// The chart's sums (none for a file).
    pub chart: Option<BuilderState>,
}

fn hex16(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Who a token belongs to: a hash of the acting account (jobs have none).
pub fn caller(account: Option<&str>) -> String {
    hex16(&[b"report.run caller", account.unwrap_or("").as_bytes()])
}

/// A report's definition: a hash of its input (without the continuation and
/// the budget) and of the zone it is read in.
pub fn definition(input: &serde_json::Map<String, serde_json::Value>, zone: &str) -> String {
    let text = serde_json::Value::Object(input.clone()).to_string();
    hex16(&[b"report.run definition", text.as_bytes(), zone.as_bytes()])
}

fn seal(payload: &str, who: &str, definition: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [
        b"report.run continuation" as &[u8],
        payload.as_bytes(),
        who.as_bytes(),
        definition.as_bytes(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.get(..16).unwrap_or(&[]))
}

impl Carried {
    /// A continuation for `who`'s report of `definition`.
    pub fn new(
        who: String,
        definition: String,
        at: Position,
        calls: u32,
        report: BuilderState,
        chart: Option<BuilderState>,
    ) -> Self {
        Self {
            v: VERSION,
            who,
            definition,
            at,
            calls,
            report,
            chart,
        }
    }

    /// The token.
    ///
    /// # Errors
    ///
    /// `limit` when the token would be larger than [`MAX_TOKEN_BYTES`]
    /// (a report of too many groups to carry); `internal` when it cannot be
    /// written.
    pub fn encode(&self) -> Result<String, Error> {
        let json = serde_json::to_vec(self)
            .map_err(|e| Error::internal(format!("the continuation could not be written: {e}")))?;
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
        encoder
            .write_all(&json)
            .map_err(|e| Error::internal(format!("the continuation could not be written: {e}")))?;
        let deflated = encoder
            .finish()
            .map_err(|e| Error::internal(format!("the continuation could not be written: {e}")))?;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(deflated);
        let token = format!("{payload}.{}", seal(&payload, &self.who, &self.definition));
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Error::limit(format!(
                "the report holds {} groups so far, more than its continuation carries \
                 ({} bytes, at most {MAX_TOKEN_BYTES}): group it less finely or shorten the period",
                self.report.groups(),
                token.len()
            )));
        }
        Ok(token)
    }

    /// The continuation in `token`, for `who`'s report of `definition`.
    ///
    /// # Errors
    ///
    /// `invalid-input` naming `continuation`: not a token of `report.run`,
    /// altered or damaged, from another person, from another report
    /// definition, or of a version not understood.
    pub fn decode(token: &str, who: &str, definition: &str) -> Result<Self, Error> {
        let shown = if token.len() > 40 {
            format!("{}…", token.chars().take(40).collect::<String>())
        } else {
            token.to_owned()
        };
        let bad = |why: &str| {
            Error::invalid_field(
                "continuation",
                format_args!("{}: {why}", input::quote(&shown)),
            )
        };
        if token.len() > MAX_TOKEN_BYTES {
            return Err(bad("longer than any continuation of report.run"));
        }
        let (payload, seal_text) = token
            .split_once('.')
            .ok_or_else(|| bad("not a continuation of report.run"))?;
        let deflated = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| bad("not a continuation of report.run"))?;
        let mut json = Vec::new();
        DeflateDecoder::new(deflated.as_slice())
            .take(MAX_INFLATED_BYTES)
            .read_to_end(&mut json)
            .map_err(|_| bad("not a continuation of report.run"))?;
        let carried: Self =
            serde_json::from_slice(&json).map_err(|_| bad("not a continuation of report.run"))?;
        if seal(payload, &carried.who, &carried.definition) != seal_text {
            return Err(bad("altered or damaged (its hash does not match)"));
        }
        if carried.v != VERSION {
            return Err(bad(&format!("version {} is not understood", carried.v)));
        }
        if carried.who != who {
            return Err(bad("from another person's report: start the report again"));
        }
        if carried.definition != definition {
            return Err(bad(
                "from another report definition (the query, chart, format or zone changed): \
                 start the report again",
            ));
        }
        Ok(carried)
    }
}
