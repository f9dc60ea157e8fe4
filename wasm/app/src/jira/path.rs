//! Jira REST paths, built only from percent-encoded parts.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
/// encoded, in path segments and in query names and values alike.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A Jira REST path and query, built only from percent-encoded parts.
///
/// ```
/// use worklogs_app::jira::JiraPath;
/// let path = JiraPath::api(&["issue", "ALPHA-2", "worklog"]).query("startAt", "0");
/// assert_eq!(path.as_str(), "/rest/api/3/issue/ALPHA-2/worklog?startAt=0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JiraPath {
    path: String,
    has_query: bool,
}

impl JiraPath {
    /// `/rest/api/3/` followed by the segments, each percent-encoded.
    pub fn api(segments: &[&str]) -> Self {
        Self::under("/rest/api/3", segments)
    }

    /// `/app/` followed by the segments, each percent-encoded: one of
    /// Atlassian's APIs for apps (such as `/app/report-accounts`, personal data
    /// reporting), which hosts send as the app to Atlassian rather than to the
    /// site.
    ///
    /// ```
    /// use worklogs_app::jira::JiraPath;
    /// assert_eq!(JiraPath::app(&["report-accounts"]).as_str(), "/app/report-accounts");
    /// ```
    pub fn app(segments: &[&str]) -> Self {
        Self::under("/app", segments)
    }

    /// `root` followed by the segments, each percent-encoded.
    fn under(root: &str, segments: &[&str]) -> Self {
        let mut path = String::from(root);
        for segment in segments {
            path.push('/');
            path.extend(utf8_percent_encode(segment, COMPONENT));
        }
        Self {
            path,
            has_query: false,
        }
    }

    /// Appends the query parameter `name=value`, both percent-encoded.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.path.push(if self.has_query { '&' } else { '?' });
        self.has_query = true;
        self.path.extend(utf8_percent_encode(name, COMPONENT));
        self.path.push('=');
        self.path.extend(utf8_percent_encode(value, COMPONENT));
        self
    }

    /// The path and query as sent.
    pub fn as_str(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_and_queries_are_encoded() {
        let path = JiraPath::api(&["issue", "A B/../x?y#z", "worklog"])
            .query("adjust Estimate", "1h 30m&x=y")
            .query("ü", "é");
        assert_eq!(
            path.as_str(),
            "/rest/api/3/issue/A%20B%2F..%2Fx%3Fy%23z/worklog?adjust%20Estimate=1h%2030m%26x%3Dy&%C3%BC=%C3%A9"
        );
    }
}
