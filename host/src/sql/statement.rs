//! Telling whether an SQL string holds more than one statement.
//!
//! Hand-written rather than a full SQL parser (such as `sqlparser`): the host only
//! needs to find a `;` outside quotes and comments followed by more SQL, in a way
//! that is the same for every engine, and a parser for one dialect would reject
//! statements valid in another.

/// Whether `sql` holds a `;` outside quotes and comments that is followed by
/// anything but whitespace, comments and more `;`.
pub(crate) fn has_several(sql: &str) -> bool {
    let bytes = sql.as_bytes();
    let mut i = 0;
    let mut ended = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\'' | b'"' | b'`' => {
                if ended {
                    return true;
                }
                i = skip_quoted(bytes, i);
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'#' => {
                // A MySQL line comment.
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            b';' => ended = true,
            c if c.is_ascii_whitespace() => {}
            _ if ended => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// The index just past the quoted string, identifier or backticked name that
/// starts at `start`. A doubled quote is an escaped quote; so is a backslash
/// before one (MySQL's default).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The start of `sql`, for an error message.
pub(crate) fn excerpt(sql: &str) -> String {
    const MAX: usize = 80;
    match sql.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}…", &sql[..end]),
        None => format!("{sql:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::has_several;

    #[test]
    fn one_statement_with_or_without_a_trailing_semicolon() {
        for sql in [
            "SELECT 1",
            "SELECT 1;",
            "SELECT 1 ;  \n",
            "SELECT 1;;",
            "SELECT 1; -- done",
            "SELECT 1; /* done */",
            "SELECT 1; # done",
            "SELECT ';' AS a",
            "SELECT 'it''s; fine'",
            r"SELECT 'it\'s; fine'",
            "SELECT \"a;b\" FROM t",
            "SELECT `a;b` FROM t",
            "SELECT 1 -- a; comment\n",
            "SELECT /* ; */ 1",
        ] {
            assert!(!has_several(sql), "{sql:?} is one statement");
        }
    }

    #[test]
    fn several_statements() {
        for sql in [
            "SELECT 1; SELECT 2",
            "SELECT 1;SELECT 2;",
            "DELETE FROM t; DROP TABLE t",
            "SELECT 'a;'; SELECT 2",
            "SELECT 1; -- x\nSELECT 2",
            "SELECT 1; 'x'",
        ] {
            assert!(has_several(sql), "{sql:?} is several statements");
        }
    }
}
