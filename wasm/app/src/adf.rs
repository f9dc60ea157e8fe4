//! Worklog comments between plain text and the Atlassian Document Format (ADF).
//!
//! Jira v3 takes and gives comments as ADF documents. The app shows and takes
//! plain text: each line becomes a paragraph, and reading a document joins its
//! blocks with newlines, keeping the text of inline nodes (text, mentions,
//! emoji, links, dates) and dropping formatting. Text written by the app reads
//! back unchanged.

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

    proptest! {
        #[test]
        fn plain_text_round_trips(text in "[^\r]{0,200}") {
            prop_assert_eq!(to_plain_text(&from_plain_text(&text)), text);
        }
    }
}
