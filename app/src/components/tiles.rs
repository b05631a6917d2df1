//! Home page tiles: a tile shows only when its page exists and the acting role may use it.

use domain::model::role::Capability;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    pub title: &'static str,
    pub href: &'static str,
    pub description: &'static str,
    /// The tile shows when the acting role holds any of these; empty: always.
    pub needs: &'static [Capability],
    /// Where Administrative Tasks lists it; `None`: the person's own pages, on Home only.
    pub task: Option<TaskGroup>,
}

/// The groups of Administrative Tasks: the national job aids start there ("Administrative
/// Tasks", then "Manage Org's & Users"), where Home's tiles serve the local ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskGroup {
    ManageOrgsAndUsers,
    Reviews,
    ServiceDesk,
}

impl TaskGroup {
    pub const ALL: [TaskGroup; 3] = [
        TaskGroup::ManageOrgsAndUsers,
        TaskGroup::Reviews,
        TaskGroup::ServiceDesk,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            TaskGroup::ManageOrgsAndUsers => "Manage Org's & Users",
            TaskGroup::Reviews => "Reviews and records",
            TaskGroup::ServiceDesk => "Service Desk",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            TaskGroup::ManageOrgsAndUsers => "manage-orgs-and-users",
            TaskGroup::Reviews => "reviews-and-records",
            TaskGroup::ServiceDesk => "service-desk",
        }
    }
}

pub const TILES: &[Tile] = &[
    Tile {
        title: "My Account",
        href: "/my-account",
        description: "The organisations you can use Gatehouse for, and your roles at each.",
        needs: &[],
        task: None,
    },
    Tile {
        title: "My Profile",
        href: "/my-profile",
        description: "Your details.",
        needs: &[],
        task: None,
    },
    Tile {
        title: "Switch Role",
        href: "/select-account",
        description: "Act as another of your roles without signing out.",
        needs: &[],
        task: None,
    },
    Tile {
        title: "Pending Actions",
        href: "/pending-actions",
        description: "Registrations waiting for your review.",
        needs: &[Capability::ManageUsers, Capability::GrantApproverRoles],
        task: Some(TaskGroup::Reviews),
    },
    Tile {
        title: "Users",
        href: "/users",
        description: "Find the people of your area, see their roles, revoke, disable or enable.",
        needs: &[Capability::ManageUsers],
        task: Some(TaskGroup::ManageOrgsAndUsers),
    },
    Tile {
        title: "Invite",
        href: "/users/invite",
        description: "Invite someone to an approver role at an organisation in your area.",
        needs: &[Capability::GrantApproverRoles],
        task: Some(TaskGroup::ManageOrgsAndUsers),
    },
    Tile {
        title: "Audit",
        href: "/audit",
        description: "Every change to accounts and access in your area, and who made it.",
        needs: &[Capability::ManageUsers],
        task: Some(TaskGroup::Reviews),
    },
    Tile {
        title: "Access reviews",
        href: "/reviews",
        description: "Check who has access in your area: keep what is needed, end the rest.",
        needs: &[Capability::ManageUsers],
        task: Some(TaskGroup::Reviews),
    },
    Tile {
        title: "Notifications",
        href: "/notifications",
        description: "Messages for you, such as new registrations to review.",
        needs: &[],
        task: None,
    },
    Tile {
        title: "Outbox",
        href: "/outbox",
        description: "Emails the service has written, with their links.",
        needs: &[Capability::ServiceDesk],
        task: Some(TaskGroup::ServiceDesk),
    },
    Tile {
        title: "Locked accounts",
        href: "/locked-accounts",
        description: "Accounts locked after too many failed sign-ins: unlock them.",
        needs: &[Capability::ServiceDesk],
        task: Some(TaskGroup::ServiceDesk),
    },
    Tile {
        title: "Connected services",
        href: "/connected-services",
        description: "Services people sign in to through Gatehouse, and what they learn of the role.",
        needs: &[Capability::ServiceDesk],
        task: Some(TaskGroup::ServiceDesk),
    },
    Tile {
        title: "Import ODS extracts",
        href: "/organisations/import",
        description: "Load the latest organisations from the NHS Organisation Data Service.",
        needs: &[Capability::ServiceDesk],
        task: Some(TaskGroup::ServiceDesk),
    },
    Tile {
        title: "Providers",
        href: "/providers",
        description:
            "The GP practices you work with, and whether their claims need multi-level approval.",
        needs: &[Capability::SetApprovalLevel, Capability::ManageUsers],
        task: Some(TaskGroup::ManageOrgsAndUsers),
    },
    Tile {
        title: "Organisations",
        href: "/organisations",
        description: "The organisations below yours: search them, create and update them.",
        needs: &[Capability::ManageOrganisations],
        task: Some(TaskGroup::ManageOrgsAndUsers),
    },
    Tile {
        title: "Service Provider Clusters",
        href: "/clusters",
        description: "Groups of your organisation's practices that restrict which practices a user may reach.",
        needs: &[Capability::ManageClusters],
        task: Some(TaskGroup::ManageOrgsAndUsers),
    },
    Tile {
        title: "Roles",
        href: "/roles",
        description: "What each role may do, and where it can be held.",
        needs: &[Capability::ManageUsers],
        task: Some(TaskGroup::ManageOrgsAndUsers),
    },
];

/// The tiles the acting role's capabilities allow; Switch Role only for someone with another role
/// to switch to.
pub fn tiles_for(capabilities: &[Capability], several_roles: bool) -> Vec<Tile> {
    TILES
        .iter()
        .copied()
        .filter(|t| t.needs.is_empty() || t.needs.iter().any(|c| capabilities.contains(c)))
        .filter(|t| several_roles || t.href != "/select-account")
        .collect()
}

/// The Administrative Tasks the acting role's capabilities allow, by group, in the groups' order
/// and with clusters before users, as the national job aids walk them. Empty: no header link.
pub fn tasks_for(capabilities: &[Capability]) -> Vec<(TaskGroup, Vec<Tile>)> {
    let mine = tiles_for(capabilities, false);
    TaskGroup::ALL
        .into_iter()
        .map(|g| {
            let mut tiles: Vec<Tile> = mine.iter().copied().filter(|t| t.task == Some(g)).collect();
            tiles.sort_by_key(|t| t.href != "/clusters");
            (g, tiles)
        })
        .filter(|(_, tiles)| !tiles.is_empty())
        .collect()
}

/// A tile's count, shown beside its title (unread notifications, registrations waiting).
pub type Counts = Vec<(&'static str, i64)>;

#[component]
pub fn TileGrid(
    tiles: Vec<Tile>,
    #[prop(optional)] counts: Counts,
    /// Tiles under a group's own heading are h3s.
    #[prop(optional)]
    under_heading: bool,
) -> impl IntoView {
    // Tiles with something waiting come first (stably, in their usual order otherwise): on a
    // phone the grid is one column, and Pending Actions sat 700 px down.
    let waiting = |t: &Tile| counts.iter().any(|(title, n)| *title == t.title && *n > 0);
    let mut tiles = tiles;
    tiles.sort_by_key(|t| !waiting(t));
    view! {
        <ul class="nhsuk-grid-row nhsuk-card-group">
            {tiles.into_iter().map(|t| view! {
                <li class="nhsuk-grid-column-one-third nhsuk-card-group__item">
                    <div class="nhsuk-card nhsuk-card--clickable">
                        <div class="nhsuk-card__content">
                            {
                                let link = view! {
                                    <a class="nhsuk-card__link" href=t.href>
                                        {t.title}
                                        {counts.iter().find(|(title, n)| *title == t.title && *n > 0).map(|(_, n)| view! {
                                            " " <span class="nhsuk-tag nhsuk-tag--blue gh-count">{n.to_string()}</span>
                                        })}
                                    </a>
                                };
                                if under_heading {
                                    view! { <h3 class="nhsuk-card__heading nhsuk-heading-s">{link}</h3> }.into_any()
                                } else {
                                    view! { <h2 class="nhsuk-card__heading nhsuk-heading-m">{link}</h2> }.into_any()
                                }
                            }
                            <p class="nhsuk-card__description">{t.description}</p>
                        </div>
                    </div>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_without_manage_users_gets_no_roles_tile() {
        let titles: Vec<_> = tiles_for(&[], true).iter().map(|t| t.title).collect();
        assert_eq!(
            titles,
            ["My Account", "My Profile", "Switch Role", "Notifications"]
        );
    }

    #[test]
    fn someone_with_one_role_is_not_offered_switch_role() {
        let titles: Vec<_> = tiles_for(&[], false).iter().map(|t| t.title).collect();
        assert_eq!(titles, ["My Account", "My Profile", "Notifications"]);
    }

    #[test]
    fn a_user_manager_gets_the_roles_and_pending_actions_tiles() {
        let tiles = tiles_for(&[Capability::ManageUsers], false);
        assert!(tiles.iter().any(|t| t.href == "/roles"));
        assert!(tiles.iter().any(|t| t.href == "/pending-actions"));
        assert!(!tiles.iter().any(|t| t.href == "/outbox"));
    }

    #[test]
    fn a_commissioning_approver_reviews_approver_requests_in_pending_actions() {
        let tiles = tiles_for(&[Capability::GrantApproverRoles], false);
        assert!(tiles.iter().any(|t| t.href == "/pending-actions"));
        assert!(!tiles.iter().any(|t| t.href == "/roles"));
    }

    #[test]
    fn administrative_tasks_group_the_national_words_with_clusters_before_users() {
        let all = [
            Capability::ManageUsers,
            Capability::ManageClusters,
            Capability::ManageOrganisations,
            Capability::ServiceDesk,
        ];
        let groups = tasks_for(&all);
        let manage = &groups[0];
        assert_eq!(manage.0.heading(), "Manage Org's & Users");
        let titles: Vec<_> = manage.1.iter().map(|t| t.title).collect();
        assert_eq!(titles[..2], ["Service Provider Clusters", "Users"]);
        assert!(groups
            .iter()
            .all(|(_, t)| t.iter().all(|t| t.href != "/my-profile")));
        // Someone with nothing to administer has no Administrative Tasks at all.
        assert!(tasks_for(&[]).is_empty());
        assert!(tasks_for(&[Capability::SetApprovalLevel])
            .iter()
            .all(|(g, _)| *g == TaskGroup::ManageOrgsAndUsers));
    }
}
