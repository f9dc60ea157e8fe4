//! Which groups a worklog counts in: its values at each level, interned, and
//! every key combining them.

use super::{Interner, Key, Level, Worklog, NONE};
use crate::error::Error;
use crate::report::query::{Dimension, MAX_LEVELS};

/// The ids of a worklog's values at `level`, each once; "no value" when it has none.
pub(super) fn values_of<W: Worklog + ?Sized>(
    level: &mut Level,
    w: &W,
    ids: &mut Vec<u32>,
) -> Result<(), Error> {
    let values = &mut level.values;
    let single =
        |values: &mut Interner, id: Option<&str>, label: Option<&str>| -> Result<u32, Error> {
            match id.filter(|v| !v.is_empty()) {
                Some(id) => values.intern(id, label),
                None => Ok(NONE),
            }
        };
    let id = match &level.dimension {
        Dimension::Person => single(
            values,
            Some(w.author_account_id()),
            Some(w.author_display_name()),
        )?,
        Dimension::Project => single(values, Some(w.project_key()), Some(w.project_name()))?,
        Dimension::Parent => single(values, w.parent_key(), w.parent_summary())?,
        Dimension::Issue => single(values, Some(w.issue_key()), Some(w.issue_summary()))?,
        Dimension::Status => single(values, Some(w.issue_status()), None)?,
        Dimension::Approval => single(values, Some(w.approval_state().as_str()), None)?,
        Dimension::Attribute(key) => single(values, w.attribute(key), None)?,
        Dimension::Component | Dimension::Label => {
            let mut failed = None;
            let mut each = |value: &str| {
                if value.is_empty() || failed.is_some() {
                    return;
                }
                match values.intern(value, None) {
                    Ok(id) => ids.push(id),
                    Err(e) => failed = Some(e),
                }
            };
            if level.dimension == Dimension::Component {
                w.for_each_component(&mut each);
            } else {
                w.for_each_label(&mut each);
            }
            if let Some(e) = failed {
                return Err(e);
            }
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                ids.push(NONE);
            }
            return Ok(());
        }
    };
    ids.push(id);
    Ok(())
}

/// Calls `f` with every key combining one value of each of the first `depth` lists
/// (the rest of `key` as given).
pub(super) fn for_each_combination(
    lists: &[Vec<u32>; MAX_LEVELS],
    depth: usize,
    key: &mut Key,
    f: &mut dyn FnMut(&Key) -> Result<(), Error>,
) -> Result<(), Error> {
    fn walk(
        lists: &[Vec<u32>; MAX_LEVELS],
        level: usize,
        depth: usize,
        key: &mut Key,
        f: &mut dyn FnMut(&Key) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if level >= depth {
            return f(key);
        }
        let Some(values) = lists.get(level) else {
            return f(key);
        };
        for id in values {
            if let Some(slot) = key.get_mut(level) {
                *slot = *id;
            }
            walk(lists, level.saturating_add(1), depth, key, f)?;
        }
        Ok(())
    }
    walk(lists, 0, depth, key, f)
}
