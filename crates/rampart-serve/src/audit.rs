//! Writing the audit log: who did what, to what, from where, with the value before and after.
//! Secrets never go in: a password change is recorded as "password changed", not its value.

use crate::state::ServeState;
use chrono::Utc;
use rampart_store::AuditEvent;

/// Who acted: a user (with the client's address) or rampart itself (a reload, the schedule).
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub client: Option<String>,
}

impl Actor {
    pub fn system(trigger: &str) -> Actor {
        Actor {
            name: format!("system ({trigger})"),
            client: None,
        }
    }
    pub fn user(name: &str, client: &str) -> Actor {
        Actor {
            name: name.to_string(),
            client: Some(client.to_string()),
        }
    }
}

/// Appends one event. A failed write is logged loudly but does not fail the action that
/// already happened.
pub async fn record(
    state: &ServeState,
    actor: &Actor,
    action: &str,
    object: &str,
    before: Option<String>,
    after: Option<String>,
) {
    let e = AuditEvent {
        at: Utc::now(),
        actor: actor.name.clone(),
        action: action.to_string(),
        object: object.to_string(),
        before,
        after,
        client: actor.client.clone(),
    };
    if let Err(err) = state.store.append_audit(&e).await {
        tracing::error!(action, object, error = %err, "cannot write the audit log");
    }
    state.notify("audit");
}

/// The JSON shape of `rampart audit --format json` and the dashboard's audit page.
pub fn to_json(events: &[AuditEvent]) -> serde_json::Value {
    serde_json::json!({
        "events": events.iter().map(|e| serde_json::json!({
            "at": e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "actor": e.actor,
            "action": e.action,
            "object": e.object,
            "before": e.before,
            "after": e.after,
            "client": e.client,
        })).collect::<Vec<_>>()
    })
}
