//! `attribute.list` and `attribute.save`: the site's worklog attribute
//! definitions ([`worklogs_core::attributes`]), stored as one settings row
//! (`attributes`), so that a save replaces the whole list in one statement.

use serde::{Deserialize, Serialize};

use super::NoInput;
use crate::access::require_admin;
use crate::executor::Ctx;
use crate::input::Input;
use crate::store;
use crate::Error;
use worklogs_core::attributes::{Definition, Definitions};

/// The settings row holding the definitions, as a JSON array.
pub const SETTING: &str = "attributes";

/// The definitions, as `attribute.list` and `attribute.save` answer.
#[derive(Serialize, Debug)]
pub struct AttributesOut {
    attributes: Definitions,
}

/// The input of `attribute.save`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveRaw {
    attributes: Vec<Definition>,
}

/// `attribute.save`, validated.
pub struct SaveInput(Definitions);

impl Input for SaveInput {
    type Raw = SaveRaw;

    fn validate(raw: SaveRaw) -> Result<Self, Error> {
        Definitions::new(raw.attributes)
            .map(Self)
            .map_err(|e| Error::invalid_input(e.message()))
    }
}

/// The definitions stored as the settings row [`SETTING`].
impl store::Setting for Definitions {
    const NAME: &'static str = SETTING;
    const WHAT: &'static str = "a list of valid attribute definitions";

    fn decode(text: &str) -> Result<Self, String> {
        let defs: Vec<Definition> = store::from_json(text)?;
        Definitions::new(defs).map_err(|e| e.message().to_owned())
    }

    fn encode(&self) -> Result<String, String> {
        store::to_json(self)
    }
}

/// Lists the site's attribute definitions (anyone with an acting user).
///
/// # Errors
///
/// `forbidden` without an acting user; as [`load`].
pub async fn list(ctx: &Ctx, _: NoInput) -> Result<AttributesOut, Error> {
    ctx.acting_user()?;
    Ok(AttributesOut {
        attributes: store::load::<Definitions>(ctx).await?,
    })
}

/// Replaces the site's attribute definitions (Jira administrators only).
///
/// # Errors
///
/// `forbidden` for anyone without the global permission `ADMINISTER`; the
/// database's errors.
pub async fn save(ctx: &Ctx, input: SaveInput) -> Result<AttributesOut, Error> {
    require_admin(ctx, "change the worklog attributes").await?;
    store::save(ctx, &input.0).await?;
    Ok(AttributesOut {
        attributes: input.0,
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::{http, FakeHost};
    use serde_json::json;

    fn jira(
        admin: bool,
    ) -> impl FnMut(&crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        move |request| {
            assert!(
                request.path.starts_with("/rest/api/3/mypermissions"),
                "{}",
                request.path
            );
            http(
                200,
                &json!({"permissions": {"ADMINISTER": {"havePermission": admin}}}).to_string(),
            )
        }
    }

    #[test]
    fn administrators_save_and_everyone_lists() {
        let mut host = FakeHost::new(Some("admin")).on_jira(jira(true));
        assert_eq!(
            host.run("attribute.list", json!({})).unwrap(),
            json!({"attributes": []})
        );
        let attrs = json!([
            {"key": "billable", "name": "Billable", "type": "boolean", "required": true},
            {"key": "work_type", "name": "Work type", "type": "select", "options": ["Dev", "Meeting"], "required": false}
        ]);
        let out = host
            .run("attribute.save", json!({"attributes": attrs}))
            .unwrap();
        assert_eq!(out, json!({"attributes": attrs}));
        let mut host = host.on_jira(jira(false));
        host.act_as(Some("bob"));
        assert_eq!(
            host.run("attribute.list", json!({})).unwrap(),
            json!({"attributes": attrs})
        );
        let e = host
            .run("attribute.save", json!({"attributes": []}))
            .unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        // Still the administrator's.
        assert_eq!(
            host.run("attribute.list", json!({})).unwrap(),
            json!({"attributes": attrs})
        );
    }

    #[test]
    fn bad_definitions_name_the_field_before_any_effect() {
        let mut host = FakeHost::new(Some("admin")).on_jira(jira(true));
        let e = host
            .run(
                "attribute.save",
                json!({"attributes": [{"key": "kind", "name": "Kind", "type": "select", "required": false}]}),
            )
            .unwrap_err();
        assert_eq!(
            e.message(),
            "invalid input: attributes[0].options: a select needs 1 to 100 options, got 0"
        );
        assert!(host.batches.is_empty());
        let e = host
            .run(
                "attribute.save",
                json!({"attributes": [{"key": "kind", "name": "Kind", "type": "date", "required": false}]}),
            )
            .unwrap_err();
        assert!(e.is_invalid_input() && e.message().contains("date"), "{e}");
    }
}
