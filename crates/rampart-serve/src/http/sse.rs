//! Server-sent events: one message per change ("status", "audit", "triage", "reload"), carrying
//! only the kind of change, so the public stream reveals nothing the public page does not.

use super::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.events.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(kind) => {
                    // Only the kind of change is sent to anyone; details stay behind login.
                    let kind = if kind == "status" {
                        "status"
                    } else {
                        "changed"
                    };
                    return Some((Ok(Event::default().data(kind)), rx));
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
