//! What the active checks share: one parameter under attack ([`Target`]), sending a request
//! without failing the scan on one bad answer, random numbers for markers and arithmetic proofs,
//! and the finding every check reports.

use super::client::{Client, Page, Req};
use super::crawl::Endpoint;
use super::State;
use crate::Rule;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;

/// One parameter of one endpoint, with the value the application itself used.
pub struct Target<'a> {
    pub ep: &'a Endpoint,
    pub name: &'a str,
    pub orig: &'a str,
}

impl Target<'_> {
    pub fn req(&self, value: &str) -> Req {
        self.ep.request_with(self.name, value)
    }

    /// The value the application itself gives the parameter: a form field's own value, and
    /// nothing where the crawler filled one in to submit the form (also when the parameter
    /// came back in a link, with the crawler's word in it); else the value probed.
    pub fn own_value(&self) -> &str {
        match self.field() {
            Some(f) => &f.value,
            None if self.orig == super::crawl::FILLED_WORD => "",
            None => self.orig,
        }
    }

    /// The form field this parameter is, when it came from a form.
    pub fn field(&self) -> Option<&super::html::Field> {
        self.ep
            .form
            .as_ref()
            .and_then(|f| f.fields.iter().find(|f| f.name == self.name))
    }

    /// `rule`'s finding on this parameter; `how` ends the title (e.g. "output-based").
    pub fn finding(&self, rule: Rule, how: &str, evidence: Evidence) -> Finding {
        let how = if how.is_empty() {
            String::new()
        } else {
            format!(" ({how})")
        };
        rule.finding(
            format!(
                "{} in parameter {} of {} {}{how}",
                rule.title,
                self.name,
                self.ep.method,
                self.ep.url.path()
            ),
            self.ep.url.to_string(),
            &self.ep.key(self.name),
            evidence,
        )
    }
}

/// Sends `req`; a failed request is `None` (the check moves on), only an exhausted budget stops.
pub async fn try_send(state: &State, req: &Req) -> Result<Option<Page>, NetError> {
    failed_is_none(state.client.send(req).await)
}

/// A failed request as `None` (see [`try_send`]); only an exhausted budget is an error.
pub fn failed_is_none(r: Result<Page, NetError>) -> Result<Option<Page>, NetError> {
    match r {
        Ok(p) => Ok(Some(p)),
        Err(e @ NetError::BudgetExhausted(_)) => Err(e),
        Err(_) => Ok(None),
    }
}

/// [`try_send`] through [`super::client::Client::send_original`]: for the original value's
/// answer, which an earlier identical request may already have brought.
pub async fn try_send_original(state: &State, req: &Req) -> Result<Option<Page>, NetError> {
    failed_is_none(state.client.send_original(req).await)
}

/// Work (a check, a part of one, an item) stopped by the request budget, taken as "nothing more
/// found": what the rest confirmed is kept, and the scan reports the budget's end from the
/// client ([`super::client::Client::budget_refusal`]).
pub fn spent_is_nothing<R: Default>(r: Result<R, NetError>) -> Result<R, NetError> {
    match r {
        Err(NetError::BudgetExhausted(_)) => Ok(R::default()),
        r => r,
    }
}

/// Runs `probe` on every item, `n` at a time, and returns the results in the items' order, so a
/// report's order does not depend on timing. (`buffered` keeps the order too, but starts nothing
/// new while its oldest item still runs: one slow item — a time-based proof, a tarpit — would
/// leave the other slots idle. Here they stay busy.) An item cut short by the request budget
/// gives `R::default()` (nothing found) and the others keep theirs: what was confirmed before
/// the budget ran out is reported, and the scan says it ran out
/// ([`super::client::Client::budget_refusal`]).
pub async fn each_in_order<I, T, R, F, Fut>(
    items: I,
    n: usize,
    probe: F,
) -> Result<Vec<R>, NetError>
where
    I: IntoIterator<Item = T>,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<R, NetError>>,
    R: Default,
{
    use futures_util::stream::{self, StreamExt, TryStreamExt};
    let mut done: Vec<(usize, R)> = stream::iter(items.into_iter().enumerate())
        .map(|(i, item)| {
            // Boxed: the probes' futures nest deep (checks in checks), and a debug build's
            // stack would not hold them.
            let running = Box::pin(super::pacer::as_work(probe(item)));
            async move { spent_is_nothing(running.await).map(|r| (i, r)) }
        })
        .buffer_unordered(n.max(1))
        .try_collect()
        .await?;
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, r)| r).collect())
}

/// A random number in `lo..hi` (not cryptographic: markers only need to be unpredictable
/// enough not to appear in a page by chance).
pub fn rand_in(lo: u32, hi: u32) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(7);
    lo + (h.finish() % u64::from(hi - lo)) as u32
}

/// `RMP` and six hex digits: a marker no page holds by chance.
pub fn marker() -> String {
    format!("RMP{:06x}", rand_in(0x100000, 0xffffff))
}

/// Whether a URL's path looks like it deletes something (`/item/1/delete`, `/remove?id=2`):
/// a `--safe` scan neither follows such links nor probes them, since a GET that deletes is
/// common in the applications it scans.
pub fn is_destructive(u: &url::Url) -> bool {
    let p = u.path().to_ascii_lowercase();
    ["delete", "remove", "destroy", "purge", "erase", "wipe"]
        .iter()
        .any(|w| p.contains(w))
}

/// Whether a URL is a logout link: the crawler never follows them and no probe is sent there,
/// so an authenticated scan keeps its session.
pub fn is_logout(u: &url::Url) -> bool {
    let p = u.path().to_ascii_lowercase();
    [
        "logout", "log-out", "log_out", "signout", "sign-out", "sign_out",
    ]
    .iter()
    .any(|w| p.contains(w))
}

/// What a time-based probe measured: the payload slow twice, its control fast.
pub struct Delayed {
    /// The slow request, written out for evidence.
    pub request: String,
    pub first: Page,
    pub again: Page,
    pub control: Page,
    /// The baseline the delays were measured from: the faster original answer.
    pub baseline: std::time::Duration,
}

impl Delayed {
    /// The timings as a finding's response text; `control` names the control request.
    pub fn describe(&self, control: &str, base: &Page) -> String {
        let original = match base.elapsed > self.baseline {
            // Asked again: a busy moment had slowed the first original answer.
            true => format!(
                "original {:.2} s, then {:.2} s",
                base.elapsed.as_secs_f64(),
                self.baseline.as_secs_f64()
            ),
            false => format!("original {:.2} s", base.elapsed.as_secs_f64()),
        };
        format!(
            "answered after {:.2} s and {:.2} s; with {control} after {:.2} s; {original}",
            self.first.elapsed.as_secs_f64(),
            self.again.elapsed.as_secs_f64(),
            self.control.elapsed.as_secs_f64(),
        )
    }

    /// `rule`'s time-based finding on `t`: the slow request, and the timings (with `control`
    /// naming the control) as the response.
    pub fn finding(
        &self,
        t: &Target<'_>,
        rule: Rule,
        how: &str,
        control: &str,
        base: &Page,
        notes: Vec<String>,
    ) -> Finding {
        t.finding(
            rule,
            how,
            Evidence {
                request: Some(self.request.clone()),
                response: Some(self.describe(control, base)),
                notes,
            },
        )
    }
}

/// The delay time-based probes ask for: `delay` held to whole seconds, 1 or 2.
pub fn delay_secs(delay: std::time::Duration) -> u64 {
    delay.as_secs().clamp(1, 2)
}

/// A connection set-up this long means the server's accept queue was full (the kernel retries a
/// refused connection after a second).
const CROWDED_SETUP: std::time::Duration = std::time::Duration::from_millis(500);

/// How a slow first answer stands up to its control and its repeat.
pub enum Confirmation {
    /// The control (the payload asking for no delay) is slow too: the place is slow for any
    /// changed value (a tarpit, a cache miss); nothing can be told by timing there.
    ControlSlow,
    /// The repeat was not slow: the first answer was slow by chance.
    NotAgain,
    /// Slow again, the control fast.
    Confirmed {
        control: Box<Page>,
        again: Box<Page>,
    },
}

/// Confirms a slow first answer to `probe`: `control`, `probe` and `control` again go out 20 ms
/// apart, all in flight together ([`Client::send_around`]); the first control must be fast and
/// the probe slow again. The checks run side by side, so on a server (or behind a database
/// lock) that takes one request at a time the repeat may wait for another request of the scan
/// that sleeps, and pass for slow itself; the control sent after it then waits as well. Only
/// then — the server showed it serves one request at a time — or when one of the three had to
/// wait for its connection (a full accept queue reorders them) are the control and the probe
/// sent once more apart from every other request that asks for a delay
/// ([`Client::send_pair_apart`]; the rest of the scan goes on). A request that took long and
/// ended before the probe's answer could still have held it up: then the pair goes once more
/// with nothing else of the scan in flight ([`Client::send_pair_alone`]). A delay the probe
/// causes is confirmed, one another request caused is not. On a server that answers side by
/// side the second control is fast and nothing waits.
pub async fn confirm_slow(
    client: &Client,
    control: &Req,
    probe: &Req,
    control_slow: impl Fn(&Page) -> bool,
    probe_slow: impl Fn(&Page) -> bool,
) -> Result<Confirmation, NetError> {
    let (c1, again, c2) = client.send_around(control, probe).await;
    let (Some(c1), Some(again), Some(c2)) = (
        failed_is_none(c1)?,
        failed_is_none(again)?,
        failed_is_none(c2)?,
    ) else {
        return Ok(Confirmation::NotAgain);
    };
    tracing::debug!(
        request = %probe.describe(),
        control_ms = c1.elapsed.as_millis() as u64,
        again_ms = again.elapsed.as_millis() as u64,
        control_after_ms = c2.elapsed.as_millis() as u64,
        "confirming a slow answer"
    );
    if control_slow(&c1) {
        return Ok(Confirmation::ControlSlow);
    }
    if !probe_slow(&again) {
        return Ok(Confirmation::NotAgain);
    }
    // A connection the server's accept queue had no room for is retried by the kernel a second
    // later: the three no longer reach the server in the order sent, and the last control may
    // slip in after a delay that held up the probe. Then too, only a pair sent alone tells.
    let crowded = [&c1, &again, &c2].iter().any(|p| p.setup >= CROWDED_SETUP);
    if !control_slow(&c2) && !crowded {
        return Ok(Confirmation::Confirmed {
            control: Box::new(c1),
            again: Box::new(again),
        });
    }
    tracing::debug!(
        request = %probe.describe(),
        crowded,
        "the control after a slow repeat was held up too, or a connection had to wait: confirming apart from other delays"
    );
    let (c, again, longest_other) = client.send_pair_apart(control, probe).await;
    let (control_page, again_page) = match judge_pair(c, again, &control_slow, &probe_slow)? {
        Ok(pair) => pair,
        Err(verdict) => return Ok(verdict),
    };
    // Another request that ended before the probe's answer and took half the probe's extra
    // time or more could have been what it waited for.
    let extra = again_page.elapsed.saturating_sub(control_page.elapsed);
    let crowded = [&control_page, &again_page]
        .iter()
        .any(|p| p.setup >= CROWDED_SETUP);
    if longest_other < extra / 2 && !crowded {
        return Ok(Confirmation::Confirmed {
            control: Box::new(control_page),
            again: Box::new(again_page),
        });
    }
    tracing::debug!(
        request = %probe.describe(),
        longest_other_ms = longest_other.as_millis() as u64,
        crowded,
        "another request was slow while the pair was sent apart: confirming with nothing else in flight"
    );
    let (c, again) = client.send_pair_alone(control, probe).await;
    Ok(match judge_pair(c, again, &control_slow, &probe_slow)? {
        Ok((control, again)) => Confirmation::Confirmed {
            control: Box::new(control),
            again: Box::new(again),
        },
        Err(verdict) => verdict,
    })
}

/// The verdict on a control and a repeated probe sent as a pair: both answers when the control
/// is fast and the probe slow again.
type PairVerdict = Result<(Page, Page), Confirmation>;

fn judge_pair(
    control: Result<Page, NetError>,
    again: Result<Page, NetError>,
    control_slow: &impl Fn(&Page) -> bool,
    probe_slow: &impl Fn(&Page) -> bool,
) -> Result<PairVerdict, NetError> {
    let (Some(control), Some(again)) = (failed_is_none(control)?, failed_is_none(again)?) else {
        return Ok(Err(Confirmation::NotAgain));
    };
    if control_slow(&control) {
        return Ok(Err(Confirmation::ControlSlow));
    }
    if !probe_slow(&again) {
        return Ok(Err(Confirmation::NotAgain));
    }
    Ok(Ok((control, again)))
}

/// Time-based confirmation shared by the command, code and deserialization checks: `payload`
/// (which asks for a delay of `d`) answers at least 0.9 × `d` later than the original value,
/// `control` (the same payload asking for no delay) does not, and `payload` is slow again. One
/// request when the first answer is not slow; else see [`confirm_slow`].
pub async fn time_confirmed(
    state: &State,
    t: &Target<'_>,
    base: &Page,
    payload: &str,
    control: &str,
    d: std::time::Duration,
) -> Result<Option<Delayed>, NetError> {
    // Boxed: the checks nest deep, and a debug build's futures are large.
    super::client::asking_delay(Box::pin(async move {
        let bar = d.mul_f64(0.9);
        let Some(first) = try_send(state, &t.req(payload)).await? else {
            return Ok(None);
        };
        let mut base_t = base.elapsed;
        if first.elapsed < base_t + bar {
            // An original answer slowed by a busy moment must not hide a real delay: where the
            // payload's answer took the delay's time all the same, the original is asked again
            // and the faster of its two answers is the baseline.
            if first.elapsed < bar {
                return Ok(None);
            }
            let Some(original) = try_send(state, &t.req(t.orig)).await? else {
                return Ok(None);
            };
            base_t = base_t.min(original.elapsed);
            if first.elapsed < base_t + bar {
                return Ok(None);
            }
        }
        let slow = |p: &Page| p.elapsed >= base_t + bar;
        match confirm_slow(&state.client, &t.req(control), &t.req(payload), slow, slow).await? {
            Confirmation::Confirmed { control, again } => Ok(Some(Delayed {
                request: t.req(payload).describe(),
                first,
                again: *again,
                control: *control,
                baseline: base_t,
            })),
            Confirmation::ControlSlow | Confirmation::NotAgain => Ok(None),
        }
    }))
    .await
}
