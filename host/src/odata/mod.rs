//! An OData v4 service over the component's feed operation
//! ([`FEED_OPERATION`]), at `/odata/`: the service document, `$metadata`
//! (CSDL XML), and each table the feed describes, read with `$filter`,
//! `$select`, `$orderby`, `$top`, `$skip`, `$count` and server-driven paging
//! (`@odata.nextLink`). JSON only, OData 4.0 only.
//!
//! The host parses the query options' syntax ([`parse`]) into the typed input
//! the component takes, runs the operation as the acting person, and writes
//! the answer in OData's format. It decides nothing about rows: the tables,
//! their columns and types, what a filter matches, the order and who sees
//! what all come from the component. Errors use OData's error format
//! (`{"error": {"code", "message", "target"}}`); a bad query option is a 400
//! naming the option and the position.

pub mod parse;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value as Json};

use crate::app::App;
use crate::protocol::{EntryPoint, ErrorCode, TaskError};
use parse::OptionError;

/// The component's operation behind the service.
pub const FEED_OPERATION: &str = "export.feed";
/// The OData version served.
pub const VERSION: &str = "4.0";
/// Where the service is.
pub const ROOT: &str = "/odata";

/// Who asks, as the server resolved it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The acting account (an account id or, with the simulator, an alias).
    pub account: String,
    /// The caller's time zone, if given.
    pub time_zone: Option<String>,
}

/// A column as the component describes it.
#[derive(Deserialize, Debug)]
struct Column {
    name: String,
    kind: String,
    #[serde(default)]
    decimals: Option<u32>,
}

/// A table as the component describes it.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Set {
    name: String,
    entity_type: String,
    key: String,
    columns: Vec<Column>,
}

#[derive(Deserialize, Debug)]
struct Description {
    namespace: String,
    sets: Vec<Set>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Page {
    rows: Vec<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    skip_token: Option<String>,
}

/// An OData error response.
pub fn error(status: StatusCode, code: &str, message: &str, target: Option<&str>) -> Response {
    let mut body = Map::new();
    body.insert("code".into(), json!(code));
    body.insert("message".into(), json!(message));
    if let Some(target) = target {
        body.insert("target".into(), json!(target));
    }
    respond(
        status,
        "application/json;odata.metadata=minimal",
        json!({ "error": body }).to_string(),
    )
}

fn option_error(err: &OptionError) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid-query-option",
        &err.to_string(),
        Some(&err.option),
    )
}

fn task_error(err: &TaskError) -> Response {
    let status = match err.code {
        ErrorCode::InvalidInput | ErrorCode::Limit => StatusCode::BAD_REQUEST,
        code => crate::status::status_for(code),
    };
    // The component names the option as the field: `field "$filter": …`.
    let target = err
        .message
        .split("field \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .filter(|field| field.starts_with('$'));
    error(status, err.code.name(), &err.message, target)
}

fn respond(status: StatusCode, media: &'static str, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media)),
            (
                header::HeaderName::from_static("odata-version"),
                HeaderValue::from_static(VERSION),
            ),
        ],
        body,
    )
        .into_response()
}

/// Checks the request's OData headers: `OData-Version`, when sent, must be
/// 4.0; `OData-MaxVersion`, when sent, at least 4.0; `Accept` must take
/// `media` (or `*/*`).
fn negotiate(headers: &HeaderMap, media: &str) -> Result<(), Box<Response>> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(version) = text("odata-version") {
        if version.trim() != VERSION {
            return Err(Box::new(error(
                StatusCode::BAD_REQUEST,
                "unsupported-version",
                &format!("header OData-Version {version:?}: this service speaks OData 4.0 only"),
                Some("OData-Version"),
            )));
        }
    }
    if let Some(max) = text("odata-maxversion") {
        let major: Option<u32> = max.trim().split('.').next().and_then(|m| m.parse().ok());
        if major.is_none_or(|m| m < 4) {
            return Err(Box::new(error(
                StatusCode::BAD_REQUEST,
                "unsupported-version",
                &format!("header OData-MaxVersion {max:?}: this service speaks OData 4.0 only"),
                Some("OData-MaxVersion"),
            )));
        }
    }
    if let Some(accept) = text("accept") {
        let ok = accept.split(',').any(|part| {
            let essence = part.split(';').next().unwrap_or_default().trim();
            essence == "*/*"
                || essence.eq_ignore_ascii_case(media)
                || essence
                    .split('/')
                    .zip(media.split('/'))
                    .next()
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
                    && essence.ends_with("/*")
        });
        if !ok {
            return Err(Box::new(error(
                StatusCode::NOT_ACCEPTABLE,
                "not-acceptable",
                &format!("header Accept {accept:?}: this resource is served as {media}"),
                Some("Accept"),
            )));
        }
    }
    Ok(())
}

/// The service's absolute root, from the request's `Host` (which the server's
/// guard has checked is this server).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}{ROOT}")
}

async fn describe(app: &App, caller: &Caller) -> Result<Description, Response> {
    let answer = app
        .call(
            EntryPoint::Person,
            Some(&caller.account),
            caller.time_zone.as_deref(),
            None,
            FEED_OPERATION,
            "{}",
        )
        .await
        .map_err(|e| task_error(&e))?;
    serde_json::from_str(&answer).map_err(|e| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &format!("the feed's description is not understood: {e}"),
            None,
        )
    })
}

/// `GET /odata/`: the service document.
pub async fn service_document(app: &App, caller: &Caller, headers: &HeaderMap) -> Response {
    if let Err(refused) = negotiate(headers, "application/json") {
        return *refused;
    }
    let description = match describe(app, caller).await {
        Ok(d) => d,
        Err(response) => return response,
    };
    let base = base_url(headers);
    let sets: Vec<Json> = description
        .sets
        .iter()
        .map(|s| json!({"name": s.name, "kind": "EntitySet", "url": s.name}))
        .collect();
    respond(
        StatusCode::OK,
        "application/json;odata.metadata=minimal",
        json!({"@odata.context": format!("{base}/$metadata"), "value": sets}).to_string(),
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The EDM type of a column kind.
fn edm_type(column: &Column) -> String {
    match column.kind.as_str() {
        "integer" => "Edm.Int64".into(),
        "decimal" => format!(
            "Edm.Decimal\" Scale=\"{}",
            column.decimals.unwrap_or_default()
        ),
        "boolean" => "Edm.Boolean".into(),
        "date" => "Edm.Date".into(),
        "dateTime" => "Edm.DateTimeOffset".into(),
        "list" => "Collection(Edm.String)".into(),
        _ => "Edm.String".into(),
    }
}

/// The CSDL document of a description.
fn csdl(description: &Description) -> String {
    let ns = xml_escape(&description.namespace);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <edmx:Edmx xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\" Version=\"4.0\">\n\
         <edmx:DataServices>\n",
    );
    out.push_str(&format!(
        "<Schema xmlns=\"http://docs.oasis-open.org/odata/ns/edm\" Namespace=\"{ns}\">\n"
    ));
    for set in &description.sets {
        out.push_str(&format!(
            "<EntityType Name=\"{}\">\n<Key><PropertyRef Name=\"{}\"/></Key>\n",
            xml_escape(&set.entity_type),
            xml_escape(&set.key)
        ));
        for column in &set.columns {
            let nullable = if column.name == set.key {
                " Nullable=\"false\""
            } else {
                ""
            };
            out.push_str(&format!(
                "<Property Name=\"{}\" Type=\"{}\"{nullable}/>\n",
                xml_escape(&column.name),
                edm_type(column)
            ));
        }
        out.push_str("</EntityType>\n");
    }
    out.push_str("<EntityContainer Name=\"Container\">\n");
    for set in &description.sets {
        out.push_str(&format!(
            "<EntitySet Name=\"{}\" EntityType=\"{ns}.{}\"/>\n",
            xml_escape(&set.name),
            xml_escape(&set.entity_type)
        ));
    }
    out.push_str("</EntityContainer>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n");
    out
}

/// `GET /odata/$metadata`: the CSDL document.
pub async fn metadata(app: &App, caller: &Caller, headers: &HeaderMap, query: &str) -> Response {
    if let Err(refused) = negotiate(headers, "application/xml") {
        return *refused;
    }
    if query.contains("$format") {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "$format: $metadata is served as CSDL XML only",
            Some("$format"),
        );
    }
    match describe(app, caller).await {
        Ok(description) => respond(StatusCode::OK, "application/xml", csdl(&description)),
        Err(response) => response,
    }
}

/// `GET /odata/{set}` (and `/odata/{set}/$count`): a page of rows.
pub async fn collection(
    app: &App,
    caller: &Caller,
    headers: &HeaderMap,
    set: &str,
    count_only: bool,
    query: &str,
) -> Response {
    let media = if count_only {
        "text/plain"
    } else {
        "application/json"
    };
    if let Err(refused) = negotiate(headers, media) {
        return *refused;
    }
    let mut options = match parse::parse_query(query) {
        Ok(options) => options,
        Err(err) => return option_error(&err),
    };
    if count_only {
        options.count = true;
        options.top = Some(0);
    }
    let input = options.input(set);
    let answer = app
        .call(
            EntryPoint::Person,
            Some(&caller.account),
            caller.time_zone.as_deref(),
            None,
            FEED_OPERATION,
            &input.to_string(),
        )
        .await;
    let page: Page = match answer.map(|a| serde_json::from_str(&a)) {
        Ok(Ok(page)) => page,
        Ok(Err(e)) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &format!("the feed's page is not understood: {e}"),
                None,
            )
        }
        Err(e) => return task_error(&e),
    };
    if count_only {
        return respond(
            StatusCode::OK,
            "text/plain",
            page.count.unwrap_or_default().to_string(),
        );
    }
    let base = base_url(headers);
    let mut body =
        String::with_capacity(page.rows.iter().map(|r| r.get().len() + 1).sum::<usize>() + 256);
    body.push('{');
    body.push_str(&format!(
        "\"@odata.context\":{}",
        json!(format!("{base}/$metadata#{set}"))
    ));
    if let Some(count) = page.count {
        body.push_str(&format!(",\"@odata.count\":{count}"));
    }
    body.push_str(",\"value\":[");
    for (i, row) in page.rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(row.get());
    }
    body.push(']');
    if let Some(token) = page.skip_token {
        let mut link = format!("{base}/{set}?");
        for (name, value) in &options.kept {
            link.push_str(&format!("{}={}&", encode(name), encode(value)));
        }
        link.push_str(&format!("$skiptoken={}", encode(&token)));
        body.push_str(&format!(",\"@odata.nextLink\":{}", json!(link)));
    }
    body.push('}');
    respond(
        StatusCode::OK,
        "application/json;odata.metadata=minimal",
        body,
    )
}

/// Percent-encodes a query component (unreserved characters and `$` kept).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'$') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csdl_names_every_column_with_its_type() {
        let description: Description = serde_json::from_value(json!({
            "namespace": "NS",
            "sets": [{"name": "Rows", "entityType": "Row", "key": "id", "columns": [
                {"name": "id", "kind": "text"}, {"name": "n", "kind": "integer"},
                {"name": "h", "kind": "decimal", "decimals": 2}, {"name": "d", "kind": "date"},
                {"name": "t", "kind": "dateTime"}, {"name": "b", "kind": "boolean"},
                {"name": "l", "kind": "list"}, {"name": "a<b", "kind": "text"}]}]
        }))
        .unwrap();
        let xml = csdl(&description);
        for expected in [
            "<Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\"/>",
            "<Property Name=\"n\" Type=\"Edm.Int64\"/>",
            "<Property Name=\"h\" Type=\"Edm.Decimal\" Scale=\"2\"/>",
            "<Property Name=\"d\" Type=\"Edm.Date\"/>",
            "<Property Name=\"t\" Type=\"Edm.DateTimeOffset\"/>",
            "<Property Name=\"b\" Type=\"Edm.Boolean\"/>",
            "<Property Name=\"l\" Type=\"Collection(Edm.String)\"/>",
            "<Property Name=\"a&lt;b\" Type=\"Edm.String\"/>",
            "<EntitySet Name=\"Rows\" EntityType=\"NS.Row\"/>",
        ] {
            assert!(xml.contains(expected), "{expected} in {xml}");
        }
    }

    #[test]
    fn versions_and_media_are_negotiated() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(negotiate(&headers(&[]), "application/json").is_ok());
        assert!(negotiate(
            &headers(&[("odata-version", "4.0"), ("odata-maxversion", "4.01")]),
            "application/json"
        )
        .is_ok());
        assert!(negotiate(
            &headers(&[("accept", "application/json;odata.metadata=minimal")]),
            "application/json"
        )
        .is_ok());
        assert!(negotiate(&headers(&[("accept", "application/*")]), "application/json").is_ok());
        for bad in [
            headers(&[("odata-version", "3.0")]),
            headers(&[("odata-version", "4.01")]),
            headers(&[("odata-maxversion", "3.0")]),
        ] {
            let r = negotiate(&bad, "application/json").unwrap_err();
            assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        }
        let r = negotiate(
            &headers(&[("accept", "application/atom+xml")]),
            "application/json",
        )
        .unwrap_err();
        assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
        assert_eq!(encode("a b/$c'"), "a%20b%2F$c%27");
    }
}
