//! Worklog comments between plain text and the Atlassian Document Format (ADF).
//!
//! Jira v3 takes and gives comments as ADF documents. The app shows and takes
//! plain text: each line becomes a paragraph, and reading a document joins its
//! blocks with newlines, keeping the text of inline nodes (text, mentions,
//! emoji, links, dates) and dropping formatting. Text written by the app reads
//! back unchanged.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{json, Map, Value};

/// How deep a document is walked; deeper nodes are skipped. Jira's documents are
/// shallow, and JSON parsing already stops at 128 levels.
const MAX_DEPTH: usize = 64;

/// Node types whose children are laid out as lines rather than run together.
const BLOCKS: &[&str] = &[
    "doc",
    "paragraph",
    "heading",
    "blockquote",
    "codeBlock",
    "bulletList",
    "orderedList",
    "listItem",
    "panel",
    "rule",
    "table",
    "tableRow",
    "tableHeader",
    "tableCell",
    "mediaSingle",
    "mediaGroup",
    "expand",
    "nestedExpand",
    "taskList",
    "taskItem",
    "decisionList",
    "decisionItem",
    "blockCard",
    "embedCard",
];

/// An ADF document with one paragraph per line of `text` (`\r\n` counts as one
/// line break).
///
/// ```
/// let doc = worklogs_app::adf::from_plain_text("fixed it\nand tested");
/// assert_eq!(worklogs_app::adf::to_plain_text(&doc), "fixed it\nand tested");
/// ```
pub fn from_plain_text(text: &str) -> Value {
    let normalized = text.replace("\r\n", "\n");
    let paragraphs: Vec<Value> = if normalized.is_empty() {
        Vec::new()
    } else {
        normalized
            .split('\n')
            .map(|line| {
                if line.is_empty() {
                    json!({ "type": "paragraph" })
                } else {
                    json!({
                        "type": "paragraph",
                        "content": [{ "type": "text", "text": line }],
                    })
                }
            })
            .collect()
    };
    json!({ "type": "doc", "version": 1, "content": paragraphs })
}

/// The plain text of an ADF document. A JSON string (as older APIs send) is
/// returned as is; anything else that is not a document reads as empty.
pub fn to_plain_text(doc: &Value) -> String {
    match doc {
        Value::String(text) => text.clone(),
        Value::Object(node) => render(node, 0),
        _ => String::new(),
    }
}

/// The plain text of a document given as JSON text, as [`to_plain_text`]
/// reads it once parsed; text that is not JSON is returned as is. A document
/// of the usual shape is read without building a JSON tree (an export reads
/// one per row); any other falls back to [`to_plain_text`].
pub fn text_to_plain(text: &str) -> String {
    if let Ok(node) = serde_json::from_str::<Node<'_>>(text) {
        let mut out = String::new();
        node.render(0, &mut out);
        return out;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(doc) => to_plain_text(&doc),
        Err(_) => text.to_owned(),
    }
}

/// A node of the usual shape, its strings borrowed from the JSON text where
/// they need no unescaping. Any other shape (a number for a text, a child
/// that is not a node, a repeated key) fails to parse as one.
#[derive(Deserialize)]
struct Node<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    attrs: Option<Attrs<'a>>,
    #[serde(default, borrow)]
    content: Option<Vec<Node<'a>>>,
}

#[derive(Deserialize)]
struct Attrs<'a> {
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(rename = "shortName", default, borrow)]
    short_name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    timestamp: Option<Cow<'a, str>>,
}

impl Node<'_> {
    /// [`render`]'s reading, appended to `out`.
    fn render(&self, depth: usize, out: &mut String) {
        let attrs = self.attrs.as_ref();
        let text = attrs.and_then(|a| a.text.as_deref());
        let url = attrs.and_then(|a| a.url.as_deref());
        let timestamp = attrs.and_then(|a| a.timestamp.as_deref());
        let leaf = match &*self.kind {
            "text" => Some(self.text.as_deref()),
            "hardBreak" => Some(Some("\n")),
            "mention" | "emoji" => {
                Some(text.or_else(|| attrs.and_then(|a| a.short_name.as_deref())))
            }
            "inlineCard" | "blockCard" | "embedCard" => Some(url),
            "status" => Some(text),
            "date" => Some(timestamp),
            _ => None,
        };
        if let Some(text) = leaf {
            out.push_str(text.unwrap_or(""));
            return;
        }
        let Some(children) = &self.content else {
            return;
        };
        if depth >= MAX_DEPTH {
            return;
        }
        let lines = children.iter().any(|c| BLOCKS.contains(&&*c.kind));
        for (i, child) in children.iter().enumerate() {
            if lines && i > 0 {
                out.push('\n');
            }
            child.render(depth + 1, out);
        }
    }
}

fn node_type(node: &Map<String, Value>) -> &str {
    node.get("type").and_then(Value::as_str).unwrap_or("")
}

fn attr<'a>(node: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    node.get("attrs")?.get(name)?.as_str()
}

fn is_block(node: &Value) -> bool {
    node.as_object()
        .is_some_and(|n| BLOCKS.contains(&node_type(n)))
}

fn render(node: &Map<String, Value>, depth: usize) -> String {
    match node_type(node) {
        "text" => node
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        "hardBreak" => "\n".to_owned(),
        "mention" | "emoji" => attr(node, "text")
            .or_else(|| attr(node, "shortName"))
            .unwrap_or("")
            .to_owned(),
        "inlineCard" | "blockCard" | "embedCard" => attr(node, "url").unwrap_or("").to_owned(),
        "status" => attr(node, "text").unwrap_or("").to_owned(),
        "date" => attr(node, "timestamp").unwrap_or("").to_owned(),
        _ => {
            let Some(children) = node.get("content").and_then(Value::as_array) else {
                return String::new();
            };
            if depth >= MAX_DEPTH {
                return String::new();
            }
            let parts = children
                .iter()
                .filter_map(Value::as_object)
                .map(|child| render(child, depth + 1));
            if children.iter().any(is_block) {
                parts.collect::<Vec<_>>().join("\n")
            } else {
                parts.collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_text_is_an_empty_document() {
        assert_eq!(
            from_plain_text(""),
            json!({"type": "doc", "version": 1, "content": []})
        );
    }

    #[test]
    fn blank_lines_are_empty_paragraphs() {
        let doc = from_plain_text("a\r\n\nb\n");
        assert_eq!(doc["content"].as_array().map(Vec::len), Some(4));
        assert_eq!(to_plain_text(&doc), "a\n\nb\n");
    }

    #[test]
    fn jira_documents_read_as_text() {
        let doc = json!({
            "type": "doc", "version": 1,
            "content": [
                {"type": "paragraph", "content": [
                    {"type": "text", "text": "Met "},
                    {"type": "mention", "attrs": {"id": "x", "text": "@Bob"}},
                    {"type": "text", "text": " about it", "marks": [{"type": "strong"}]},
                    {"type": "hardBreak"},
                    {"type": "emoji", "attrs": {"shortName": ":tada:"}}
                ]},
                {"type": "bulletList", "content": [
                    {"type": "listItem", "content": [
                        {"type": "paragraph", "content": [{"type": "text", "text": "one"}]}
                    ]},
                    {"type": "listItem", "content": [
                        {"type": "paragraph", "content": [
                            {"type": "inlineCard", "attrs": {"url": "https://x.test/1"}}
                        ]}
                    ]}
                ]}
            ]
        });
        assert_eq!(
            to_plain_text(&doc),
            "Met @Bob about it\n:tada:\none\nhttps://x.test/1"
        );
    }

    #[test]
    fn odd_documents_do_not_fail() {
        assert_eq!(to_plain_text(&json!(null)), "");
        assert_eq!(to_plain_text(&json!("plain")), "plain");
        assert_eq!(
            to_plain_text(&json!({"type": "doc", "content": [1, "x", null]})),
            ""
        );
        assert_eq!(to_plain_text(&json!({"content": {"not": "an array"}})), "");
    }

    #[test]
    fn deep_documents_are_cut_off() {
        let mut node = json!({"type": "text", "text": "deep"});
        for _ in 0..100 {
            node = json!({"type": "x", "content": [node]});
        }
        assert_eq!(to_plain_text(&node), "");
    }

    #[test]
    fn json_text_reads_as_its_document() {
        assert_eq!(text_to_plain("not json"), "not json");
        assert_eq!(text_to_plain("\"plain\""), "plain");
        assert_eq!(text_to_plain("null"), "");
        assert_eq!(text_to_plain(r#"{"type": "doc", "content": [1, "x"]}"#), "");
        assert_eq!(
            text_to_plain(r#"{"type": "text", "text": "a", "text": "b"}"#),
            "b"
        );
    }

    /// Any node, of the usual shape or not.
    fn node() -> impl Strategy<Value = Value> {
        let kind = prop::sample::select(vec![
            "doc",
            "paragraph",
            "text",
            "hardBreak",
            "mention",
            "emoji",
            "inlineCard",
            "status",
            "date",
            "bulletList",
            "listItem",
            "other",
        ]);
        let text = prop_oneof![
            Just(Value::Null),
            "[a-z\"\\\n\u{e9}]{0,6}".prop_map(Value::from),
            Just(json!(5)),
        ];
        let attrs = prop_oneof![
            Just(Value::Null),
            (text.clone(), "[a-z:]{0,4}").prop_map(|(t, s)| {
                json!({"text": t, "shortName": s, "url": s, "timestamp": s})
            }),
            Just(json!([1])),
        ];
        let leaf = (kind.clone(), text, attrs)
            .prop_map(|(k, t, a)| json!({"type": k, "text": t, "attrs": a}));
        leaf.prop_recursive(6, 48, 5, move |inner| {
            (
                kind.clone(),
                prop::collection::vec(prop_oneof![9 => inner, 1 => Just(json!(1))], 0..5),
            )
                .prop_map(|(k, content)| json!({"type": k, "content": content}))
        })
    }

    proptest! {
        #[test]
        fn plain_text_round_trips(text in "[^\r]{0,200}") {
            prop_assert_eq!(to_plain_text(&from_plain_text(&text)), text);
        }

        #[test]
        fn a_document_reads_the_same_from_its_text(doc in node()) {
            prop_assert_eq!(text_to_plain(&doc.to_string()), to_plain_text(&doc));
        }
    }
}
