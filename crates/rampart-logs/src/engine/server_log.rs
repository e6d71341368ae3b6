//! The server's own faults in an error log: lines at level error or worse that are about no
//! request (`mod_jk child workerEnv in error state 6`, `worker process 123 exited on signal
//! 11`, `PHP Fatal error: …`). One message — digits aside, so that the same fault with another
//! pid, state or line number is one — recurring in a leaky bucket (by default more than 9 within
//! a few hours) is a defect of the service: reported once per episode, with how many lines,
//! over how long, and the message.

use super::tracker::{Ctx, Tracker};
use super::verdict::human_secs;
use super::Finish;
use crate::event::{flag, Ev, EvKind};
use crate::hash::hash_bytes;
use crate::identity::Key;
use crate::incident::{LogIncident, Verdict};
use rampart_config::ServerLogSection;
use rampart_model::{IncidentKind, Severity};

/// The incident kind (`RA-LOG-SERVER-LOG-ERRORS`).
pub const KIND: &str = "server_log_errors";

/// Bytes of a message kept for its shape: enough to tell faults apart, bounded per key.
const SHAPE_BYTES: usize = 120;

pub struct ServerLog {
    cfg: ServerLogSection,
    t: Tracker,
    /// Reused for each line's shape.
    shape: Vec<u8>,
}

impl ServerLog {
    pub fn new(cfg: &ServerLogSection, max_keys: usize) -> Self {
        ServerLog {
            t: Tracker::new(
                cfg.capacity as f64,
                cfg.leak.std().as_secs_f64(),
                cfg.gap.std().as_secs() as i64,
                max_keys,
            ),
            cfg: cfg.clone(),
            shape: Vec::with_capacity(SHAPE_BYTES),
        }
    }

    pub fn on_event(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled || ev.kind != EvKind::App || !ev.has(flag::SERVER_ERROR) {
            return;
        }
        shape(ctx.text(ev.msg), &mut self.shape);
        if self.shape.is_empty() {
            return;
        }
        let key = Key::new(hash_bytes(&self.shape), &self.shape);
        let (over, slot) = self.t.pour(key, ev.ts, 1.0);
        let ep = slot
            .ep
            .get_or_insert_with(|| super::tracker::Episode::boxed(ev));
        if ep.label.is_empty() {
            ep.label = String::from_utf8_lossy(&self.shape).into_owned();
        }
        ep.add(ev, ctx, 1);
        if over && !ep.fired {
            ep.fired = true;
            ep.fired_at = ev.ts;
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.t.sweep(now);
    }

    pub fn finish(&mut self) {
        self.t.finish();
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        for ep in std::mem::take(&mut self.t.closed) {
            let why = format!(
                "{} error lines of one kind in {} with no request behind them: the server reports a fault of its own (“{}”)",
                ep.count,
                human_secs(ep.span_secs()),
                ep.label
            );
            let mut i = f.incident(
                IncidentKind::Other(KIND.into()),
                &ep,
                Verdict::Defect,
                why,
                Severity::Medium,
            );
            i.paths = vec![ep.label.clone()];
            out.push(i);
        }
    }
}

/// A message's shape: digit runs as `#`, whitespace runs as one space, at most `SHAPE_BYTES`.
fn shape(msg: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut last = 0u8;
    for &c in msg.trim_ascii() {
        let c = if c.is_ascii_digit() {
            b'#'
        } else if c.is_ascii_whitespace() {
            b' '
        } else {
            c
        };
        if (c == b'#' || c == b' ') && c == last {
            continue;
        }
        if out.len() == SHAPE_BYTES {
            break;
        }
        out.push(c);
        last = c;
    }
}

#[cfg(test)]
mod tests {
    use super::shape;

    #[test]
    fn one_fault_with_other_numbers_has_one_shape() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        shape(b"mod_jk child workerEnv in error state 6", &mut a);
        shape(b"mod_jk child workerEnv in error state 10  ", &mut b);
        assert_eq!(a, b);
        assert_eq!(a, b"mod_jk child workerEnv in error state #");
        shape(&[b'x'; 500], &mut a);
        assert_eq!(a.len(), 120);
    }
}
