//! What the active checks share: one parameter under attack ([`Target`]), sending a request
//! without failing the scan on one bad answer, random numbers for markers and arithmetic proofs,
//! and the finding every check reports.

use super::client::{Page, Req};
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
    match state.client.send(req).await {
        Ok(p) => Ok(Some(p)),
        Err(e @ NetError::BudgetExhausted(_)) => Err(e),
        Err(_) => Ok(None),
    }
}

/// [`try_send`] through [`super::client::Client::send_original`]: for the original value's
/// answer, which an earlier identical request may already have brought.
pub async fn try_send_original(state: &State, req: &Req) -> Result<Option<Page>, NetError> {
    match state.client.send_original(req).await {
        Ok(p) => Ok(Some(p)),
        Err(e @ NetError::BudgetExhausted(_)) => Err(e),
        Err(_) => Ok(None),
    }
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
