//! Several heads in the scripts: `upgrade head` is ambiguous.

use super::{Finding, Fix, Severity};
use crate::ops::Workspace;

pub const CHECK: &str = "multiple_heads";

pub fn check(ws: &Workspace) -> Option<Finding> {
    let heads = ws.heads();
    if heads.len() < 2 {
        return None;
    }
    let details = heads
        .iter()
        .map(|h| {
            let labels = if h.branch_labels.is_empty() {
                String::new()
            } else {
                format!(" ({})", h.branch_labels.join(", "))
            };
            format!("head {}{labels}: {}", h.revision, h.message)
        })
        .collect();
    let example = heads
        .iter()
        .find_map(|h| {
            h.branch_labels
                .first()
                .map(|l| format!("`upgrade {l}@head`"))
        })
        .unwrap_or_else(|| format!("`upgrade {}`", heads[0].revision));
    Some(Finding {
        check: CHECK.into(),
        severity: Severity::Warning,
        title: format!("The scripts have {} heads", heads.len()),
        explanation: format!(
            "Two or more revisions have no child, usually because two people each added a \
             revision on top of the same one. `upgrade head` needs a single newest revision and \
             fails with \"Multiple head revisions are present\". Upgrade to all of them with \
             `upgrade heads`, to one branch with {example}, or join them with a merge revision \
             (an empty revision whose parents are the heads), after which `head` works again."
        ),
        details,
        fixes: vec![Fix {
            id: "merge".into(),
            title: "Create a merge revision".into(),
            explanation: "Writes a new, empty revision script whose parents are all the heads. \
                          Nothing runs on the database."
                .into(),
            sql_preview: vec!["retort merge -m \"merge heads\" heads".into()],
            destructive: false,
        }],
    })
}
