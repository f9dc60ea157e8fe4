//! The fixed part of the demo site: groups, roles, people, the app and the
//! projects with their permission schemes and first issues. It does not depend on
//! the seed.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::adf;
use super::data::{COMMENTS, GROUPS, PEOPLE, PROJECTS};
use crate::ids;
use crate::time_tracking::TimeTracking;
use crate::world::{
    Account, Component, GlobalPerm, Grant, Group, Project, ProjectPerm, Role, Version, World,
};

/// Groups, roles, people, the app and the projects with their schemes.
pub(super) fn fixed_world() -> World {
    let groups: Vec<Group> = GROUPS
        .iter()
        .map(|&name| Group {
            name: name.to_owned(),
            id: ids::group_id(name),
        })
        .collect();
    let g = |name: &str| GROUPS.iter().position(|&n| n == name).unwrap_or(0) as u32;
    let roles = vec![
        Role {
            id: 10002,
            name: "Administrators".to_owned(),
        },
        Role {
            id: 10001,
            name: "Developers".to_owned(),
        },
    ];
    let (administrators, developers) = (0u32, 1u32);

    let mut accounts: Vec<Account> = PEOPLE
        .iter()
        .map(|&(alias, name, tz, locale, groups)| {
            let mut gs = vec![g("jira-users")];
            gs.extend(groups.iter().map(|n| g(n)));
            Account {
                alias: alias.to_owned(),
                account_id: ids::person_account_id(alias),
                display_name: name.to_owned(),
                email: Some(format!("{alias}@example.com")),
                tz,
                locale: locale.to_owned(),
                groups: gs,
                app: false,
            }
        })
        .collect();
    let app_account = accounts.len() as u32;
    accounts.push(Account {
        alias: "app".to_owned(),
        account_id: ids::app_account_id("worklogs"),
        display_name: "Worklogs".to_owned(),
        email: None,
        tz: Tz::UTC,
        locale: "en_US".to_owned(),
        groups: Vec::new(),
        app: true,
    });
    let person = |alias: &str| PEOPLE.iter().position(|p| p.0 == alias).unwrap_or(0) as u32;

    let mut component_id = 10000;
    let mut version_id = 10000;
    let projects = PROJECTS
        .iter()
        .enumerate()
        .map(|(i, &(key, name, lead, components, versions))| {
            let ops = key == "OPS";
            let workers: Vec<Grant> = if ops {
                vec![
                    Grant::Group(g("ops")),
                    Grant::Group(g("jira-administrators")),
                ]
            } else {
                [
                    "team-alpha",
                    "team-beta",
                    "team-leads",
                    "jira-administrators",
                ]
                .iter()
                .map(|n| Grant::Group(g(n)))
                .collect()
            };
            let everyone_all: Vec<Grant> = if ops {
                vec![Grant::Group(g("jira-administrators"))]
            } else {
                vec![
                    Grant::Group(g("team-leads")),
                    Grant::Group(g("jira-administrators")),
                ]
            };
            let browse: Vec<Grant> = if ops {
                workers.clone()
            } else {
                vec![Grant::Group(g("jira-users"))]
            };
            let grants = ProjectPerm::ALL
                .iter()
                .map(|p| match p {
                    ProjectPerm::BrowseProjects => browse.clone(),
                    ProjectPerm::WorkOnIssues
                    | ProjectPerm::EditOwnWorklogs
                    | ProjectPerm::DeleteOwnWorklogs => workers.clone(),
                    ProjectPerm::EditAllWorklogs | ProjectPerm::DeleteAllWorklogs => {
                        everyone_all.clone()
                    }
                    ProjectPerm::AdministerProjects => vec![Grant::Role(administrators)],
                })
                .collect();
            let dev_groups = if ops {
                vec![g("ops")]
            } else {
                vec![g("team-alpha"), g("team-beta")]
            };
            Project {
                id: 10000 + i as u64,
                key: key.to_owned(),
                name: name.to_owned(),
                lead: person(lead),
                components: components
                    .iter()
                    .map(|&n| {
                        component_id += 1;
                        Component {
                            id: component_id - 1,
                            name: n.to_owned(),
                        }
                    })
                    .collect(),
                versions: versions
                    .iter()
                    .map(|&(n, released, (y, m, d))| {
                        version_id += 1;
                        Version {
                            id: version_id - 1,
                            name: n.to_owned(),
                            released,
                            release_date: NaiveDate::from_ymd_opt(y, m, d),
                        }
                    })
                    .collect(),
                grants,
                role_actors: vec![
                    (administrators, vec![g("jira-administrators")]),
                    (developers, dev_groups),
                ],
            }
        })
        .collect();

    World {
        accounts,
        groups,
        roles,
        projects,
        issues: Vec::new(),
        worklogs: Vec::new(),
        comments: COMMENTS.iter().map(|c| adf(c)).collect(),
        properties: Default::default(),
        updated_index: Default::default(),
        tombstones: Vec::new(),
        config: TimeTracking::default(),
        global_grants: vec![
            (GlobalPerm::Administer, vec![g("jira-administrators")]),
            (GlobalPerm::SystemAdmin, vec![g("jira-administrators")]),
            (GlobalPerm::UserPicker, vec![g("jira-users")]),
        ],
        clock: Default::default(),
        last_stamp: 0,
        app_account,
        index: Default::default(),
        personal: Default::default(),
        security_levels: Vec::new(),
    }
}
