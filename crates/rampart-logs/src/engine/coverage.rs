//! Logging coverage, the seed teams' own lesson: does the service's log let you tell who did
//! what? Evidence for or against the threat model's repudiation threats.

use super::auth::attempt;
use super::tracker::Ctx;
use crate::classify::mask_secrets;
use crate::event::{flag, Ev, EvKind};
use crate::incident::EvidenceLine;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Yes,
    Partly,
    No,
    Unknown,
}

/// One coverage question with its answer and the lines that show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageCheck {
    pub id: String,
    pub question: String,
    pub answer: Answer,
    pub detail: String,
    /// The STRIDE threat this bears on.
    pub threat: String,
    pub evidence: Vec<EvidenceLine>,
}

#[derive(Default)]
pub struct Coverage {
    auth_fail: u64,
    auth_fail_user: u64,
    ex_auth_user: Option<EvidenceLine>,
    ex_auth_nouser: Option<EvidenceLine>,
    passwords: u64,
    ex_password: Option<EvidenceLine>,
    changes: u64,
    changes_user: u64,
    ex_change_user: Option<EvidenceLine>,
    ex_change_nouser: Option<EvidenceLine>,
    http: u64,
    api: u64,
    static_: u64,
    marker: u64,
    ex_api: Option<EvidenceLine>,
    ex_web: Option<EvidenceLine>,
}

fn keep(slot: &mut Option<EvidenceLine>, ev: &Ev, ctx: &Ctx) {
    if slot.is_none() {
        let text = String::from_utf8_lossy(ctx.text(ev.raw));
        let text: String = text.chars().take(300).collect();
        *slot = Some(EvidenceLine {
            line: ctx.line_no(ev),
            text: mask_secrets(&text),
        });
    }
}

impl Coverage {
    /// `ssh_tries`: the tries the SSH detector counted for this line (sshd writes several
    /// lines for one try; only the line that counts it counts here).
    pub fn observe(&mut self, ev: &Ev, ctx: &Ctx, ssh_tries: u64) {
        let failed = if ev.kind.is_ssh() {
            ssh_tries > 0
        } else {
            attempt(ev) == Some(true)
        };
        if failed {
            self.auth_fail += 1;
            if ev.user.is_empty() {
                keep(&mut self.ex_auth_nouser, ev, ctx);
            } else {
                self.auth_fail_user += 1;
                keep(&mut self.ex_auth_user, ev, ctx);
            }
        }
        if ev.has(flag::PASSWORD) {
            self.passwords += 1;
            keep(&mut self.ex_password, ev, ctx);
        }
        if ev.kind == EvKind::Http {
            self.http += 1;
            if ev.method.changes_state() {
                self.changes += 1;
                if ev.user.is_empty() {
                    keep(&mut self.ex_change_nouser, ev, ctx);
                } else {
                    self.changes_user += 1;
                    keep(&mut self.ex_change_user, ev, ctx);
                }
            }
            if ev.has(flag::STATIC) {
                self.static_ += 1;
            } else if ev.has(flag::API) {
                self.api += 1;
                keep(&mut self.ex_api, ev, ctx);
            } else {
                keep(&mut self.ex_web, ev, ctx);
            }
        }
        if ev.has(flag::API_MARKER) {
            self.marker += 1;
            keep(&mut self.ex_api, ev, ctx);
        }
    }

    /// Whether failed logins in this log carry usernames (the verdicts depend on it).
    pub fn users_logged(&self) -> bool {
        self.auth_fail_user > 0
    }

    pub fn merge(&mut self, o: &Coverage) {
        self.auth_fail += o.auth_fail;
        self.auth_fail_user += o.auth_fail_user;
        self.passwords += o.passwords;
        self.changes += o.changes;
        self.changes_user += o.changes_user;
        self.http += o.http;
        self.api += o.api;
        self.static_ += o.static_;
        self.marker += o.marker;
        for (a, b) in [
            (&mut self.ex_auth_user, &o.ex_auth_user),
            (&mut self.ex_auth_nouser, &o.ex_auth_nouser),
            (&mut self.ex_password, &o.ex_password),
            (&mut self.ex_change_user, &o.ex_change_user),
            (&mut self.ex_change_nouser, &o.ex_change_nouser),
            (&mut self.ex_api, &o.ex_api),
            (&mut self.ex_web, &o.ex_web),
        ] {
            if a.is_none() {
                *a = b.clone();
            }
        }
    }

    pub fn checks(&self) -> Vec<CoverageCheck> {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let answer = |with: u64, total: u64| match total {
            0 => Answer::Unknown,
            _ if with == total => Answer::Yes,
            _ if with > 0 => Answer::Partly,
            _ => Answer::No,
        };
        let ev = |v: &[&Option<EvidenceLine>]| v.iter().filter_map(|e| (*e).clone()).collect();
        let web = self.http - self.api - self.static_;
        vec![
            CoverageCheck {
                id: "auth-failure-user".into(),
                question: "Do authentication failures record who was tried (username or email)?".into(),
                answer: answer(self.auth_fail_user, self.auth_fail),
                detail: if self.auth_fail == 0 {
                    "no failed logins seen in this log".into()
                } else {
                    format!(
                        "{} of {} failed logins name the user ({:.0} %); without it a burst cannot be told apart: one person retrying, or many usernames (enumeration, credential stuffing)",
                        self.auth_fail_user,
                        self.auth_fail,
                        ratio(self.auth_fail_user, self.auth_fail) * 100.0
                    )
                },
                threat: "Repudiation: failed logins cannot be attributed to an account".into(),
                evidence: ev(&[&self.ex_auth_nouser, &self.ex_auth_user]),
            },
            CoverageCheck {
                id: "no-passwords".into(),
                question: "Is the password never written to the log?".into(),
                answer: if self.passwords > 0 {
                    Answer::No
                } else if self.http + self.auth_fail == 0 {
                    Answer::Unknown
                } else {
                    Answer::Yes
                },
                detail: if self.passwords > 0 {
                    format!("{} line(s) carry a password (shown masked)", self.passwords)
                } else {
                    "no password values found in URLs or log fields".into()
                },
                threat: "Information disclosure: credentials readable by anyone with the logs".into(),
                evidence: ev(&[&self.ex_password]),
            },
            CoverageCheck {
                id: "state-change-actor".into(),
                question: "Do state-changing requests (POST, PUT, PATCH, DELETE) record who made them?".into(),
                answer: answer(self.changes_user, self.changes),
                detail: if self.changes == 0 {
                    "no state-changing requests seen".into()
                } else {
                    format!(
                        "{} of {} state-changing requests carry a user ({:.0} %); the rest can only be traced to an IP address",
                        self.changes_user,
                        self.changes,
                        ratio(self.changes_user, self.changes) * 100.0
                    )
                },
                threat: "Repudiation: a user can deny having made a change".into(),
                evidence: ev(&[&self.ex_change_nouser, &self.ex_change_user]),
            },
            CoverageCheck {
                id: "api-vs-web".into(),
                question: "Can API and web traffic be told apart?".into(),
                answer: match (self.http, self.api + self.marker > 0, web > 0) {
                    (0, false, _) => Answer::Unknown,
                    (_, true, true) => Answer::Yes,
                    (_, true, false) => Answer::Yes,
                    _ => Answer::No,
                },
                detail: format!(
                    "{} API requests (by path prefix), {} web, {} static; {} line(s) use the \"API endpoint\" marker. A prefix in prose works, a field (channel=api|web) is better",
                    self.api, web, self.static_, self.marker
                ),
                threat: "Repudiation: actions cannot be attributed to the API client or the browser".into(),
                evidence: ev(&[&self.ex_api, &self.ex_web]),
            },
        ]
    }
}
