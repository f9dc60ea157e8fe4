//! OData v4's query options (`$filter`, `$orderby`, `$select`, `$top`,
//! `$skip`, `$count`, `$skiptoken`, `$format`) parsed into the typed input the
//! component's feed operation takes. Only syntax is checked here: which
//! columns exist, which literal fits which column and what a row matches are
//! the component's to decide.
//!
//! Every error names the option and the 1-based character position in its
//! (percent-decoded) value.

use serde_json::{json, Map, Value as Json};

/// How deep `$filter` may nest (parentheses and `not`).
pub const MAX_DEPTH: usize = 32;
/// The longest option value accepted, in characters.
pub const MAX_OPTION_CHARS: usize = 4096;
/// The most terms in `$orderby` or `$select`.
pub const MAX_LIST_ITEMS: usize = 64;

/// A query option that cannot be parsed: the option, the position and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// Such as `$filter`.
    pub option: String,
    /// 1-based position in the option's value; 0 for the whole option.
    pub position: usize,
    /// What is wrong, naming the text found.
    pub message: String,
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.position == 0 {
            write!(f, "{}: {}", self.option, self.message)
        } else {
            write!(
                f,
                "{} at position {}: {}",
                self.option, self.position, self.message
            )
        }
    }
}

fn fail(option: &str, position: usize, message: impl Into<String>) -> OptionError {
    OptionError {
        option: option.to_owned(),
        position,
        message: message.into(),
    }
}

/// The query options of one request, parsed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Options {
    /// `$filter` as the component's filter tree.
    pub filter: Option<Json>,
    /// `$orderby`: `[{column, descending, at}]`.
    pub order_by: Vec<Json>,
    /// `$select`: `[{column, at}]`; empty for all.
    pub select: Vec<Json>,
    /// `$top`.
    pub top: Option<u64>,
    /// `$skip`.
    pub skip: Option<u64>,
    /// `$count=true`.
    pub count: bool,
    /// `$skiptoken`, as the component gave it.
    pub skip_token: Option<String>,
    /// The options as given (decoded), without `$skiptoken`, for next links.
    pub kept: Vec<(String, String)>,
}

impl Options {
    /// The component's input for `set` with these options.
    pub fn input(&self, set: &str) -> Json {
        let mut input = Map::new();
        input.insert("set".into(), json!(set));
        if let Some(filter) = &self.filter {
            input.insert("filter".into(), filter.clone());
        }
        if !self.order_by.is_empty() {
            input.insert("orderBy".into(), Json::Array(self.order_by.clone()));
        }
        if !self.select.is_empty() {
            input.insert("select".into(), Json::Array(self.select.clone()));
        }
        if let Some(top) = self.top {
            input.insert("top".into(), json!(top));
        }
        if let Some(skip) = self.skip {
            input.insert("skip".into(), json!(skip));
        }
        if self.count {
            input.insert("count".into(), json!(true));
        }
        if let Some(token) = &self.skip_token {
            input.insert("skipToken".into(), json!(token));
        }
        Json::Object(input)
    }
}

/// Decodes `%XX` escapes (a `+` stays a `+`: OData literals such as time
/// offsets hold it; clients encode spaces as `%20`).
fn percent_decode(option: &str, text: &str) -> Result<String, OptionError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    fail(
                        option,
                        0,
                        format!("malformed percent escape at byte {}", i + 1),
                    )
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| fail(option, 0, "not UTF-8 once decoded"))
}

/// Parses a request's query string (`a=b&c=d`, undecoded).
///
/// # Errors
///
/// An unknown or unsupported system query option (`$expand`, `$search`, …),
/// a repeated one, or one whose value does not parse.
pub fn parse_query(query: &str) -> Result<Options, OptionError> {
    let mut options = Options::default();
    let mut seen: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(raw_name, raw_name)?;
        let value = percent_decode(&name, raw_value)?;
        if !name.starts_with('$') {
            // Custom query options are the service's to define; none is.
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(fail(&name, 0, "given more than once"));
        }
        seen.push(lower.clone());
        if value.chars().count() > MAX_OPTION_CHARS {
            return Err(fail(
                &name,
                0,
                format!("longer than {MAX_OPTION_CHARS} characters"),
            ));
        }
        match lower.as_str() {
            "$filter" => options.filter = Some(parse_filter(&value)?),
            "$orderby" => options.order_by = parse_list("$orderby", &value, true)?,
            "$select" => options.select = parse_list("$select", &value, false)?,
            "$top" => options.top = Some(parse_count("$top", &value)?),
            "$skip" => options.skip = Some(parse_count("$skip", &value)?),
            "$count" => {
                options.count = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    other => {
                        return Err(fail(
                            "$count",
                            1,
                            format!("{other:?}: expected true or false"),
                        ))
                    }
                }
            }
            "$skiptoken" => {
                options.skip_token = Some(value);
                continue;
            }
            "$format" => {
                let essence = value.split(';').next().unwrap_or_default().trim();
                if !(essence.eq_ignore_ascii_case("json")
                    || essence.eq_ignore_ascii_case("application/json"))
                {
                    return Err(fail(
                        "$format",
                        1,
                        format!("{value:?}: only json is served"),
                    ));
                }
            }
            "$expand" | "$search" | "$apply" | "$levels" | "$compute" | "$index"
            | "$schemaversion" | "$deltatoken" | "$id" => {
                return Err(fail(&name, 0, "not supported by this service"));
            }
            _ => return Err(fail(&name, 0, "unknown system query option")),
        }
        options.kept.push((name, value));
    }
    Ok(options)
}

fn parse_count(option: &str, value: &str) -> Result<u64, OptionError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(
            option,
            1,
            format!("{value:?}: expected a non-negative whole number"),
        ));
    }
    value
        .parse::<u64>()
        .map_err(|_| fail(option, 1, format!("{value:?}: too large")))
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `$orderby` (`name [asc|desc], …`) or `$select` (`name, …` or `*`).
fn parse_list(option: &str, value: &str, ordered: bool) -> Result<Vec<Json>, OptionError> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    if !ordered && value.trim() == "*" {
        return Ok(out);
    }
    for item in value.split(',') {
        let start = offset + 1 + item.chars().take_while(|c| c.is_whitespace()).count();
        offset += item.chars().count() + 1;
        let mut words = item.split_whitespace();
        let Some(column) = words.next() else {
            return Err(fail(option, start, "an empty item"));
        };
        if !is_identifier(column) {
            return Err(fail(
                option,
                start,
                format!("{column:?} is not a property name"),
            ));
        }
        let mut descending = false;
        if ordered {
            match words.next() {
                None => {}
                Some(w) if w.eq_ignore_ascii_case("asc") => {}
                Some(w) if w.eq_ignore_ascii_case("desc") => descending = true,
                Some(w) => {
                    return Err(fail(
                        option,
                        start + column.chars().count() + 1,
                        format!("{w:?}: expected asc or desc"),
                    ))
                }
            }
        }
        if let Some(extra) = words.next() {
            return Err(fail(
                option,
                start,
                format!("unexpected {extra:?} after {column:?}"),
            ));
        }
        if out.len() >= MAX_LIST_ITEMS {
            return Err(fail(
                option,
                start,
                format!("more than {MAX_LIST_ITEMS} items"),
            ));
        }
        let mut named = Map::new();
        named.insert("column".into(), json!(column));
        if ordered {
            named.insert("descending".into(), json!(descending));
        }
        named.insert("at".into(), json!(start));
        out.push(Json::Object(named));
    }
    Ok(out)
}

/// A token of `$filter`, with its 1-based position.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Literal(Json),
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn is_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

fn tokens(text: &str) -> Result<Vec<(usize, Token)>, OptionError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let at = i + 1;
        if c.is_whitespace() || c == '+' {
            i += 1;
        } else if c == '(' {
            out.push((at, Token::Open));
            i += 1;
        } else if c == ')' {
            out.push((at, Token::Close));
            i += 1;
        } else if c == '\'' {
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(fail("$filter", at, "a text literal is not closed")),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        value.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        value.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push((at, Token::Literal(json!({ "text": value }))));
        } else if c.is_ascii_digit() || c == '-' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | ':' | '-' | '+'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let literal = if is_date(&word) {
                json!({ "date": word })
            } else if word.len() > 10 && is_date(&word[..10]) && word[10..].starts_with('T') {
                json!({ "dateTime": word })
            } else if is_number(&word) {
                json!({ "number": word })
            } else {
                return Err(fail(
                    "$filter",
                    at,
                    format!("{word:?} is not a number, a date or a date-time"),
                ));
            };
            out.push((at, Token::Literal(literal)));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '.')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let called = chars[i..]
                .iter()
                .find(|ch| !ch.is_whitespace())
                .is_some_and(|ch| *ch == '(');
            if called && !matches!(word.as_str(), "and" | "or" | "not") {
                return Err(fail(
                    "$filter",
                    at,
                    format!(
                        "unknown function {word:?} (only eq, ne, gt, ge, lt, le, and, or, not)"
                    ),
                ));
            }
            let token = match word.as_str() {
                "true" => Token::Literal(json!({ "boolean": true })),
                "false" => Token::Literal(json!({ "boolean": false })),
                "null" => Token::Literal(json!("null")),
                _ => Token::Word(word),
            };
            out.push((at, token));
        } else {
            return Err(fail("$filter", at, format!("unexpected character {c:?}")));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
}

const COMPARISONS: [&str; 6] = ["eq", "ne", "gt", "ge", "lt", "le"];

impl Parser {
    fn peek(&self) -> Option<&(usize, Token)> {
        self.tokens.get(self.next)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |(at, _)| *at)
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(), Some((_, Token::Word(w))) if w == word);
        if found {
            self.next += 1;
        }
        found
    }

    fn or(&mut self, depth: usize) -> Result<Json, OptionError> {
        let mut left = self.and(depth)?;
        while self.keyword("or") {
            let right = self.and(depth)?;
            left = json!({ "or": [left, right] });
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Json, OptionError> {
        let mut left = self.unary(depth)?;
        while self.keyword("and") {
            let right = self.unary(depth)?;
            left = json!({ "and": [left, right] });
        }
        Ok(left)
    }

    fn deeper(&self, depth: usize) -> Result<usize, OptionError> {
        if depth >= MAX_DEPTH {
            return Err(fail(
                "$filter",
                self.here(),
                format!("nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(depth + 1)
    }

    fn unary(&mut self, depth: usize) -> Result<Json, OptionError> {
        if self.keyword("not") {
            let depth = self.deeper(depth)?;
            let inner = self.unary(depth)?;
            return Ok(json!({ "not": inner }));
        }
        if matches!(self.peek(), Some((_, Token::Open))) {
            let depth = self.deeper(depth)?;
            self.next += 1;
            let inner = self.or(depth)?;
            match self.peek() {
                Some((_, Token::Close)) => {
                    self.next += 1;
                    return Ok(inner);
                }
                _ => return Err(fail("$filter", self.here(), "expected )")),
            }
        }
        self.comparison()
    }

    fn operand(&mut self) -> Result<(usize, Token), OptionError> {
        let Some((at, token)) = self.peek().cloned() else {
            return Err(fail(
                "$filter",
                self.end,
                "expected a property or a literal",
            ));
        };
        self.next += 1;
        match &token {
            Token::Word(w) if matches!(self.peek(), Some((_, Token::Open))) => Err(fail(
                "$filter",
                at,
                format!("unknown function {w:?} (only eq, ne, gt, ge, lt, le, and, or, not)"),
            )),
            Token::Word(w) if !is_identifier(w) => {
                Err(fail("$filter", at, format!("{w:?} is not a property name")))
            }
            Token::Word(w) if COMPARISONS.contains(&w.as_str()) || w == "and" || w == "or" => Err(
                fail("$filter", at, format!("expected a property before {w:?}")),
            ),
            Token::Word(_) | Token::Literal(_) => Ok((at, token)),
            Token::Open | Token::Close => {
                Err(fail("$filter", at, "expected a property or a literal"))
            }
        }
    }

    fn comparison(&mut self) -> Result<Json, OptionError> {
        let (at, left) = self.operand()?;
        let (op_at, op) = match self.peek().cloned() {
            Some((op_at, Token::Word(w))) if COMPARISONS.contains(&w.as_str()) => {
                self.next += 1;
                (op_at, w)
            }
            Some((op_at, Token::Word(w))) => {
                return Err(fail(
                    "$filter",
                    op_at,
                    format!("unknown operator {w:?} (expected eq, ne, gt, ge, lt or le)"),
                ))
            }
            _ => {
                return Err(fail(
                    "$filter",
                    self.here(),
                    "expected an operator (eq, ne, gt, ge, lt or le)",
                ))
            }
        };
        let (right_at, right) = self.operand()?;
        let (column, value, op) = match (left, right) {
            (Token::Word(c), Token::Literal(v)) => (c, v, op),
            // `literal op property`: the same comparison, turned around.
            (Token::Literal(v), Token::Word(c)) => {
                let flipped = match op.as_str() {
                    "gt" => "lt",
                    "ge" => "le",
                    "lt" => "gt",
                    "le" => "ge",
                    same => same,
                };
                (c, v, flipped.to_owned())
            }
            (Token::Word(_), _) => {
                return Err(fail(
                    "$filter",
                    right_at,
                    "expected a literal: properties compare with literals only",
                ))
            }
            _ => {
                return Err(fail(
                    "$filter",
                    op_at,
                    "a comparison needs a property on one side",
                ))
            }
        };
        Ok(json!({ "column": column, "op": op, "value": value, "at": at }))
    }
}

/// Parses `$filter` into the component's filter tree.
///
/// # Errors
///
/// Malformed syntax, an unknown function or operator, nesting deeper than
/// [`MAX_DEPTH`]; each with its position.
pub fn parse_filter(text: &str) -> Result<Json, OptionError> {
    let tokens = tokens(text)?;
    let end = text.chars().count() + 1;
    if tokens.is_empty() {
        return Err(fail("$filter", 1, "empty"));
    }
    let mut parser = Parser {
        tokens,
        next: 0,
        end,
    };
    let tree = parser.or(0)?;
    if let Some((at, token)) = parser.peek() {
        return Err(fail(
            "$filter",
            *at,
            format!("unexpected {} after the expression", describe(token)),
        ));
    }
    Ok(tree)
}

fn describe(token: &Token) -> String {
    match token {
        Token::Open => "(".into(),
        Token::Close => ")".into(),
        Token::Word(w) => format!("{w:?}"),
        Token::Literal(l) => l.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_into_trees() {
        let tree = parse_filter(
            "started_utc ge 2026-03-01T00:00:00+01:00 and (product_key eq 'WEB' or not seconds le 3600.5) and local_date lt 2026-04-01",
        )
        .unwrap();
        assert_eq!(
            tree,
            json!({"and": [
                {"and": [
                    {"column": "started_utc", "op": "ge", "value": {"dateTime": "2026-03-01T00:00:00+01:00"}, "at": 1},
                    {"or": [
                        {"column": "product_key", "op": "eq", "value": {"text": "WEB"}, "at": 47},
                        {"not": {"column": "seconds", "op": "le", "value": {"number": "3600.5"}, "at": 75}}
                    ]}
                ]},
                {"column": "local_date", "op": "lt", "value": {"date": "2026-04-01"}, "at": 98}
            ]})
        );
        assert_eq!(
            parse_filter("3600 lt seconds").unwrap(),
            json!({"column": "seconds", "op": "gt", "value": {"number": "3600"}, "at": 1})
        );
        assert_eq!(
            parse_filter("comment eq 'it''s' or parent_key eq null or paid eq true").unwrap()["or"]
                [0]["or"][0]["value"],
            json!({"text": "it's"})
        );
    }

    #[test]
    fn bad_filters_name_the_position() {
        let cases = [
            ("seconds eq", 11, "expected a property or a literal"),
            ("contains(comment,'x')", 1, "unknown function"),
            ("seconds like 3", 9, "unknown operator"),
            ("seconds eq 'x", 12, "not closed"),
            ("(seconds eq 1", 14, "expected )"),
            ("seconds eq 1 )", 14, "unexpected"),
            ("seconds eq seconds", 12, "expected a literal"),
            ("1 eq 2", 3, "property on one side"),
            ("seconds eq 12abc", 12, "not a number"),
            ("seconds eq 1; DROP TABLE x", 13, "unexpected character"),
            ("", 1, "empty"),
        ];
        for (text, at, what) in cases {
            let err = parse_filter(text).unwrap_err();
            assert_eq!(err.option, "$filter", "{text}");
            assert_eq!(err.position, at, "{text}: {err}");
            assert!(err.message.contains(what), "{text}: {err}");
        }
        let deep = format!("{}seconds eq 1{}", "(".repeat(40), ")".repeat(40));
        let err = parse_filter(&deep).unwrap_err();
        assert!(err.message.contains("deeper"), "{err}");
        let nots = format!("{}seconds eq 1", "not ".repeat(100));
        assert!(parse_filter(&nots).unwrap_err().message.contains("deeper"));
    }

    #[test]
    fn options_parse_and_refuse() {
        let o = parse_query(
            "$filter=seconds%20gt%2060&$orderby=started_utc%20desc,record_id&$select=a,b&$top=5&$skip=10&$count=true&$skiptoken=abc&x=1",
        )
        .unwrap();
        assert_eq!(o.top, Some(5));
        assert_eq!(o.skip, Some(10));
        assert!(o.count);
        assert_eq!(o.skip_token.as_deref(), Some("abc"));
        assert_eq!(
            o.order_by,
            vec![
                json!({"column": "started_utc", "descending": true, "at": 1}),
                json!({"column": "record_id", "descending": false, "at": 18})
            ]
        );
        assert_eq!(o.select.len(), 2);
        assert_eq!(o.kept.len(), 6);
        let input = o.input("T");
        assert_eq!(input["set"], json!("T"));
        assert_eq!(input["skipToken"], json!("abc"));
        let cases = [
            ("$top=-1", "$top", 1),
            ("$top=99999999999999999999999", "$top", 1),
            ("$skip=x", "$skip", 1),
            ("$count=yes", "$count", 1),
            ("$expand=x", "$expand", 0),
            ("$foo=1", "$foo", 0),
            ("$top=1&$top=2", "$top", 0),
            ("$orderby=seconds%20up", "$orderby", 9),
            ("$orderby=a,,b", "$orderby", 3),
            ("$select=a%20b", "$select", 1),
            ("$format=xml", "$format", 1),
            ("$filter=%ZZ", "$filter", 0),
        ];
        for (query, option, at) in cases {
            let err = parse_query(query).unwrap_err();
            assert_eq!(
                (err.option.as_str(), err.position),
                (option, at),
                "{query}: {err}"
            );
        }
        assert!(parse_query("$select=*").unwrap().select.is_empty());
    }
}
