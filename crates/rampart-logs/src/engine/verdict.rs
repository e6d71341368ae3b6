//! Attack or confused user: the seed team's question, answered from the episode's shape.
//! A person fails a few times, pauses to read the message, and often succeeds; a tool keeps a
//! steady pace without pausing, and tries many usernames.

use super::tracker::{Episode, PAUSE_SECS};
use crate::incident::Verdict;

pub fn human_secs(s: i64) -> String {
    let s = s.max(0);
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
}

/// Judges a burst of failures. `users_logged` says whether the log records usernames at all.
pub fn judge(ep: &Episode, distinct_users: u32, users_logged: bool) -> (Verdict, String) {
    let n = ep.count;
    let users = ep.user_set.count;
    let mut why = format!(
        "{n} in {}, one every {:.1} s on average, {} pause(s) of {PAUSE_SECS} s or more (longest gap {})",
        human_secs(ep.span_secs()),
        ep.mean_gap(),
        ep.pauses,
        human_secs(ep.max_gap)
    );
    let steady = n >= 20 && ep.mean_gap() < 15.0 && ep.pauses * 10 <= n;
    if users >= distinct_users as u64 {
        why.push_str(&format!(
            "; {users} distinct usernames tried — enumeration or credential stuffing, not one person who forgot a password"
        ));
        return (Verdict::Attack, why);
    }
    // A person needs a name: tries whose lines name no user at all (PAM logs none for an
    // account that does not exist) say nothing about who typed them.
    if users_logged && users == 1 && n <= 12 && (ep.pauses >= 1 || ep.success_after) {
        why.push_str(if ep.success_after {
            "; one username, pauses between tries and a success at the end — a person getting their password right"
        } else {
            "; one username with pauses between tries — looks like a person"
        });
        return (Verdict::Person, why);
    }
    if steady {
        why.push_str(
            "; a steady pace with no pauses to read an error message is what a script does",
        );
        if ep.success_after {
            why.push_str("; it ended in a success — check that account");
        }
        if !users_logged {
            why.push_str(
                "; the log records no username or email, so one confused user cannot be ruled out for certain — log the tried username or email (never the password)",
            );
            return (Verdict::LikelyAttack, why);
        }
        return (Verdict::Attack, why);
    }
    if !users_logged {
        why.push_str(
            "; without usernames in the log an attack cannot be told from a confused user",
        );
    }
    (Verdict::Inconclusive, why)
}
