//! Who may see whose time, which worklogs of the index a viewer may see, and
//! the checks the app makes itself before what only it stores.
//!
//! Two questions, both answered from Jira once per task:
//!
//! - **Whose time** ([`may_view_time_of`], [`Viewer::people`]): a person's own
//!   always; the time of the members of a grant's `teams` for the members of
//!   its `group` (grants are the app's setting `access.grants`, edited by Jira
//!   administrators with `access.save`: [`grants`]); everyone's for Jira
//!   administrators (global permission `ADMINISTER`: [`admin`]) and for a task
//!   with no acting user (the app itself: CLI, scheduled jobs).
//! - **Which worklogs** ([`Viewer::sees`], [`visibility`]): those on projects
//!   the viewer may browse (`project/search?action=browse`, as the user) whose
//!   visibility admits them: no restriction, a group they are in
//!   (`myself?expand=groups`, [`groups`]) or a project role they hold in the
//!   worklog's project (`project/{id}/roledetails?currentMember=true`, asked
//!   lazily, only for projects with role-restricted worklogs). Whatever Jira
//!   refuses to tell counts as "no": a failed role lookup hides the worklogs it
//!   guards.
//!
//! Reports filter projects and people in SQL ([`Viewer::project_ids`],
//! [`Viewer::author_ids`]) and visibility per row.
//!
//! Most permissions need no check here: user-initiated requests go to Jira on
//! the user's behalf, and Jira refuses what they may not do.
//! [`require_admin`] guards what only the app stores; [`explain_refusal`]
//! ([`refusal`]) tells a refused worklog write from a malformed one, which Jira
//! answers alike.

pub mod admin;
pub mod grants;
pub mod groups;
pub mod issues;
pub mod lock;
pub mod refusal;
pub mod viewer;
pub mod visibility;

pub use admin::{is_jira_admin, require_admin, require_admin_patiently};
pub use grants::{
    load_grants, may_view_time_of, require_cost_viewer, Grant, Grants, COST_GRANT, GRANTS_SETTING,
};
pub use groups::{check_groups, group_members, my_groups};
pub use issues::open_projects;
pub use refusal::{explain_refusal, WorklogAction};
pub use viewer::{principal, Project, Viewer};
