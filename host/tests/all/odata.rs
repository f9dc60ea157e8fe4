//! The OData service over HTTP, on the in-process simulator with the demo
//! indexed: the service document, `$metadata`, paging to the end, the
//! component's answers for each person, and hostile queries answered 400
//! (never 500).

use crate::common;

use std::sync::Arc;

use serde_json::Value as Json;
use worklogs_host::protocol::EntryPoint;
use worklogs_host::{server, Limits};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

struct Server {
    url: String,
    app: Arc<worklogs_host::App>,
    client: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
    _data: tempfile::TempDir,
}

async fn start() -> Server {
    let (app, data) = common::demo_app(common::runtime_with(Limits::default())).await;
    worklogs_host::sync::run_slices(app.host(), "sync.full", "{}", 200, |_| {})
        .await
        .unwrap();
    let app = Arc::new(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let guard = server::Guard::with_token(port, TOKEN.to_owned());
    let router = server::router(
        Arc::clone(&app),
        guard,
        data.path().join("no-ui"),
        server::placeholder_page("curl ..."),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, router, async {
        let _ = stopped.await;
    }));
    Server {
        url: format!("http://127.0.0.1:{port}"),
        app,
        client: reqwest::Client::new(),
        _stop: stop,
        _data: data,
    }
}

impl Server {
    async fn get(&self, who: Option<&str>, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.url)
        };
        let mut request = self.client.get(url).header("X-Worklogs-Token", TOKEN);
        if let Some(who) = who {
            request = request.header("X-Worklogs-Account", who);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        if status < 400 {
            assert_eq!(
                response.headers().get("odata-version").unwrap(),
                "4.0",
                "{path}"
            );
        }
        (status, response.text().await.unwrap())
    }

    async fn json(&self, who: &str, path: &str) -> Json {
        let (status, body) = self.get(Some(who), path, &[]).await;
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Every row, following next links.
    async fn all(&self, who: &str, path: &str) -> (Vec<Json>, usize) {
        let mut rows = Vec::new();
        let mut page = self.json(who, path).await;
        let mut pages = 1;
        loop {
            rows.extend(page["value"].as_array().unwrap().iter().cloned());
            match page["@odata.nextLink"].as_str() {
                Some(next) => {
                    assert!(next.starts_with(&self.url), "{next}");
                    page = self.json(who, next).await;
                    pages += 1;
                }
                None => return (rows, pages),
            }
        }
    }

    /// The component's own answer, every page.
    async fn component(&self, who: &str, mut input: Json) -> Vec<Json> {
        let mut rows = Vec::new();
        loop {
            let text = self
                .app
                .call(
                    EntryPoint::Person,
                    Some(who),
                    None,
                    None,
                    "export.feed",
                    &input.to_string(),
                )
                .await
                .unwrap();
            let answer: Json = serde_json::from_str(&text).unwrap();
            rows.extend(answer["rows"].as_array().unwrap().iter().cloned());
            match answer.get("skipToken") {
                Some(token) => input["skipToken"] = token.clone(),
                None => return rows,
            }
        }
    }
}

#[tokio::test]
async fn the_service_document_and_metadata_describe_the_tables() {
    let server = start().await;
    let doc = server.json("alice", "/odata/").await;
    assert!(doc["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/odata/$metadata"));
    let names: Vec<&str> = doc["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Worklogs", "Deleted"]);
    let (status, xml) = server.get(Some("alice"), "/odata/$metadata", &[]).await;
    assert_eq!(status, 200, "{xml}");
    for column in worklogs_core_columns() {
        assert!(
            xml.contains(&format!("<Property Name=\"{column}\"")),
            "{column}"
        );
    }
    assert!(
        xml.contains("<Property Name=\"seconds\" Type=\"Edm.Int64\"/>"),
        "{xml}"
    );
    assert!(xml.contains("<Property Name=\"started_utc\" Type=\"Edm.DateTimeOffset\"/>"));
    assert!(xml.contains("<Property Name=\"local_date\" Type=\"Edm.Date\"/>"));
    assert!(xml.contains("<Property Name=\"hours\" Type=\"Edm.Decimal\" Scale=\"2\"/>"));
    assert!(xml.contains("<Property Name=\"deleted_utc\" Type=\"Edm.DateTimeOffset\"/>"));
    let (status, _) = server
        .get(Some("alice"), "/odata/$metadata?$format=json", &[])
        .await;
    assert_eq!(status, 406);
}

/// The fixed columns, as the flat export names them.
fn worklogs_core_columns() -> Vec<&'static str> {
    "worklog_id,issue_id,issue_key,issue_summary,issue_type,issue_status,parent_key,\
     parent_summary,project_id,project_key,project_name,author_account_id,\
     author_display_name,started_utc,local_date,seconds,hours,billable,components,\
     labels,comment,updated_utc,attributes_valid,approval_state"
        .split(',')
        .collect()
}

#[tokio::test]
async fn pages_to_the_end_equal_the_component_for_each_person() {
    let server = start().await;
    let filter =
        "started_utc%20ge%202026-11-01T00:00:00Z%20and%20started_utc%20lt%202026-11-24T00:00:00Z";
    let mut seen = Vec::new();
    for who in ["alice", "bob", "dave"] {
        let (rows, pages) = server
            .all(who, &format!("/odata/Worklogs?$filter={filter}"))
            .await;
        let expected = server
            .component(
                who,
                serde_json::json!({"set": "Worklogs", "filter": {"and": [
                    {"column": "started_utc", "op": "ge", "value": {"dateTime": "2026-11-01T00:00:00Z"}},
                    {"column": "started_utc", "op": "lt", "value": {"dateTime": "2026-11-24T00:00:00Z"}}]}}),
            )
            .await;
        assert_eq!(rows, expected, "{who}");
        assert!(!rows.is_empty(), "{who}");
        if rows.len() > 1000 {
            assert!(pages > 1, "{who}: server-driven pages");
        }
        seen.push(rows.len());
    }
    assert_ne!(seen[0], seen[2], "alice and dave see different rows");
    // $count, $top, $skip, $select, $orderby.
    let page = server
        .json("alice", &format!("/odata/Worklogs?$filter={filter}&$count=true&$top=5&$skip=2&$select=worklog_id,seconds&$orderby=seconds%20desc"))
        .await;
    assert_eq!(page["@odata.count"], serde_json::json!(seen[0]));
    let rows = page["value"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.as_object().unwrap().len() == 2));
    let (status, count) = server
        .get(
            Some("alice"),
            &format!("/odata/Worklogs/$count?$filter={filter}"),
            &[],
        )
        .await;
    assert_eq!((status, count), (200, seen[0].to_string()));
}

#[tokio::test]
async fn hostile_queries_are_400_never_500() {
    let server = start().await;
    let deep = format!("{}seconds%20eq%201{}", "(".repeat(200), ")".repeat(200));
    let nots = "not%20".repeat(500) + "seconds%20eq%201";
    let long = format!("seconds%20eq%20'{}'", "x".repeat(5000));
    let queries = [
        ("$filter=contains(comment,'x')", "$filter", Some(1)),
        (
            "$filter=seconds%20eq%20'1'%20or%201%3D1",
            "$filter",
            Some(20),
        ),
        (
            "$filter=seconds%20eq%201;DROP%20TABLE%20worklogs",
            "$filter",
            Some(13),
        ),
        (
            "$filter=comment%20eq%20'x''%20or%20''1''%3D''1",
            "$filter",
            None,
        ),
        ("$filter=nope%20eq%201", "$filter", Some(1)),
        ("$filter=seconds%20eq%20'abc'", "$filter", Some(1)),
        (
            "$filter=started_utc%20ge%202026-13-45T00:00:00Z",
            "$filter",
            Some(1),
        ),
        (&format!("$filter={deep}"), "$filter", None),
        (&format!("$filter={nots}"), "$filter", None),
        (&format!("$filter={long}"), "$filter", None),
        ("$top=999999999999999999999999", "$top", Some(1)),
        ("$top=-5", "$top", Some(1)),
        ("$skip=abc", "$skip", Some(1)),
        ("$orderby=labels", "$orderby", Some(1)),
        ("$orderby=seconds%20sideways", "$orderby", Some(9)),
        ("$select=rate", "$select", Some(1)),
        ("$expand=author", "$expand", None),
        ("$skiptoken=forged", "$skiptoken", None),
        ("$count=maybe", "$count", Some(1)),
        ("$format=atom", "$format", Some(1)),
        ("$filter=%FF", "$filter", None),
    ];
    for (query, option, position) in queries {
        let (status, body) = server
            .get(Some("alice"), &format!("/odata/Worklogs?{query}"), &[])
            .await;
        assert_eq!(status, 400, "{query}: {body}");
        let json: Json = serde_json::from_str(&body).unwrap();
        let message = json["error"]["message"].as_str().unwrap();
        assert!(json["error"]["code"].is_string(), "{body}");
        assert!(message.contains(option), "{query}: {message}");
        if let Some(position) = position {
            assert!(
                message.contains(&format!("position {position}")),
                "{query}: {message}"
            );
        }
    }
    // A huge $top is only a bound.
    let page = server
        .json(
            "alice",
            "/odata/Worklogs?$top=18446744073709551615&$select=worklog_id",
        )
        .await;
    assert!(!page["value"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn versions_people_and_resources_are_checked() {
    let server = start().await;
    let (status, body) = server
        .get(
            Some("alice"),
            "/odata/Worklogs",
            &[("OData-Version", "3.0")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("OData-Version"), "{body}");
    let (status, _) = server
        .get(
            Some("alice"),
            "/odata/Worklogs?$top=1",
            &[("OData-MaxVersion", "4.01")],
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = server.get(None, "/odata/Worklogs", &[]).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = server.get(Some("alice"), "/odata/Rates", &[]).await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = server.get(Some("alice"), "/odata/Worklogs/x/y", &[]).await;
    assert_eq!(status, 404);
    // Without the server's token, no feed either (the guard).
    let response = server
        .client
        .get(format!("{}/odata/", server.url))
        .header("X-Worklogs-Account", "alice")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

mod keys {
    //! Personal access keys: each permission rule has a test that fails
    //! without it.

    use super::*;
    use base64::Engine;

    impl Server {
        async fn post(&self, who: &str, path: &str, body: Json) -> (u16, Json) {
            let response = self
                .client
                .post(format!("{}{path}", self.url))
                .header("X-Worklogs-Token", TOKEN)
                .header("X-Worklogs-Account", who)
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json().await.unwrap())
        }

        async fn create_key(&self, who: &str, name: &str) -> (String, String) {
            let (status, json) = self
                .post(who, "/api/keys", serde_json::json!({"name": name}))
                .await;
            assert_eq!(status, 200, "{json}");
            (
                json["ok"]["key"]["id"].as_str().unwrap().to_owned(),
                json["ok"]["secret"].as_str().unwrap().to_owned(),
            )
        }

        /// A feed request with Basic credentials only (no per-start token).
        async fn basic(&self, user: &str, key: &str, path: &str) -> (u16, String) {
            let credentials =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{key}"));
            let response = self
                .client
                .get(format!("{}{path}", self.url))
                .header("Authorization", format!("Basic {credentials}"))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    }

    fn ids(body: &str) -> Vec<String> {
        let json: Json = serde_json::from_str(body).unwrap();
        json["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["worklog_id"].as_str().unwrap().to_owned())
            .collect()
    }

    const PAGE: &str = "/odata/Worklogs?$select=worklog_id&$top=5000&$filter=started_utc%20ge%202026-11-16T00:00:00Z";

    #[tokio::test]
    async fn a_key_acts_as_its_owner_only_until_revoked() {
        let server = start().await;
        let (alice_id, alice_key) = server.create_key("alice", "Power BI").await;
        let (_, dave_key) = server.create_key("dave", "Excel").await;
        // The key reads the feed as alice, without the per-start token.
        let (status, body) = server.basic("alice", &alice_key, PAGE).await;
        assert_eq!(status, 200, "{body}");
        let alice_rows = ids(&body);
        let mut expected: Vec<String> = server
            .component("alice", serde_json::json!({"set": "Worklogs", "select": [{"column": "worklog_id"}],
                "filter": {"column": "started_utc", "op": "ge", "value": {"dateTime": "2026-11-16T00:00:00Z"}}}))
            .await
            .iter()
            .map(|r| r["worklog_id"].as_str().unwrap().to_owned())
            .collect();
        expected.truncate(5000);
        assert_eq!(alice_rows, expected);
        // Dave's key shows dave's rows, which alice's never do.
        let (status, body) = server.basic("dave", &dave_key, PAGE).await;
        assert_eq!(status, 200, "{body}");
        let dave_rows = ids(&body);
        assert!(
            dave_rows.iter().any(|id| !alice_rows.contains(id)),
            "dave sees more than alice"
        );
        // A key acts as its owner only: bob cannot use alice's key.
        let (status, body) = server.basic("bob", &alice_key, PAGE).await;
        assert_eq!(status, 401, "{body}");
        let (status, _) = server.basic("dave", &alice_key, PAGE).await;
        assert_eq!(status, 401);
        // A wrong secret, or no key at all.
        // (Another last digit: the same one, 1 time in 16, would make it the key.)
        let last = if alice_key.ends_with('0') { '1' } else { '0' };
        let wrong = format!("{}{last}", &alice_key[..alice_key.len() - 1]);
        let (status, _) = server.basic("alice", &wrong, PAGE).await;
        assert_eq!(status, 401);
        let response = server
            .client
            .get(format!("{}{PAGE}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        // Basic credentials open the feed only, not the API.
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("alice:{alice_key}"));
        let response = server
            .client
            .post(format!("{}/api/invoke", server.url))
            .header("Authorization", format!("Basic {credentials}"))
            .header("X-Worklogs-Account", "alice")
            .header("Content-Type", "application/json")
            .body(r#"{"operation":"me","input":{}}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        // Listing shows names, never secrets; another person's list is theirs.
        let response = server
            .client
            .get(format!("{}/api/keys", server.url))
            .header("X-Worklogs-Token", TOKEN)
            .header("X-Worklogs-Account", "alice")
            .send()
            .await
            .unwrap();
        let listing = response.text().await.unwrap();
        assert!(
            listing.contains("Power BI") && !listing.contains("Excel"),
            "{listing}"
        );
        assert!(!listing.contains(&alice_key[20..]), "{listing}");
        // Bob cannot revoke alice's key; alice can, and then it fails.
        let (status, json) = server
            .post(
                "bob",
                "/api/keys/revoke",
                serde_json::json!({"id": alice_id}),
            )
            .await;
        assert_eq!(status, 404, "{json}");
        let (status, _) = server.basic("alice", &alice_key, PAGE).await;
        assert_eq!(status, 200);
        let (status, json) = server
            .post(
                "alice",
                "/api/keys/revoke",
                serde_json::json!({"id": alice_id}),
            )
            .await;
        assert_eq!(status, 200, "{json}");
        let (status, body) = server.basic("alice", &alice_key, PAGE).await;
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("revoked"), "{body}");
    }
}
