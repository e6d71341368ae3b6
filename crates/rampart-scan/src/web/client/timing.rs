//! Requests whose answers' timing is the proof: the control / probe / control triple sent in
//! flight together, and the pairs sent apart from other delays or with nothing else in flight
//! (see [`crate::web::probe::confirm_slow`]), and the marking of work that asks for a delay.

use super::{Client, Page, Req};
use rampart_net::NetError;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

tokio::task_local! {
    /// Set while a check sends requests that ask the server for a delay.
    static ASKS_DELAY: ();
}

/// Runs `fut` as work whose requests ask the server for a delay (a sleep, a heavy query): they
/// wait while a pair is sent apart from them ([`Client::send_pair_apart`]).
pub async fn asking_delay<F: std::future::Future>(fut: F) -> F::Output {
    ASKS_DELAY.scope((), fut).await
}

pub(super) fn asks_delay() -> bool {
    ASKS_DELAY.try_with(|_| ()).is_ok()
}

/// The longest time another request took that ended while a pair was sent apart: the pair's
/// proof holds only if none of them could have held up its probe.
#[derive(Default)]
pub(super) struct Watch {
    open: AtomicBool,
    longest_ms: AtomicU64,
}

impl Watch {
    pub(super) fn open(&self) {
        self.longest_ms.store(0, Ordering::SeqCst);
        self.open.store(true, Ordering::SeqCst);
    }

    pub(super) fn saw(&self, took: Duration) {
        if self.open.load(Ordering::SeqCst) {
            self.longest_ms
                .fetch_max(took.as_millis() as u64, Ordering::SeqCst);
        }
    }

    pub(super) fn close(&self) -> Duration {
        self.open.store(false, Ordering::SeqCst);
        Duration::from_millis(self.longest_ms.load(Ordering::SeqCst))
    }
}

impl Client {
    /// Sends `control`, 20 ms later `probe`, and 20 ms after that `control` again, all three
    /// in flight together; the answers in that order (see [`super::probe::confirm_slow`]).
    pub async fn send_around(
        &self,
        control: &Req,
        probe: &Req,
    ) -> (
        Result<Page, NetError>,
        Result<Page, NetError>,
        Result<Page, NetError>,
    ) {
        // One shared guard and three in-flight slots, taken before any is sent: neither a pair
        // sent alone nor a full in-flight window may hold the control after the probe back on
        // this side while the probe waits on the server.
        let _shared = self.quiet.read().await;
        let _delaying = self.delaying.read().await;
        let _slots = self.in_flight.acquire_many(3).await;
        let t = self.timeout;
        let after = |ms| tokio::time::sleep(Duration::from_millis(ms));
        let paced = |req, wait| async move {
            after(wait).await;
            self.pacer.slot().await;
            self.exchange(req, t).await
        };
        tokio::join!(paced(control, 0), paced(probe, 20), paced(control, 40))
    }

    /// Sends `control`, and 20 ms later `probe`, with no other request that asks for a delay in
    /// flight (those wait until both answers are in; the rest of the scan goes on). Also returns
    /// the longest time another request took that ended before the probe's answer came: on a
    /// server that takes one request at a time, only such a request could have held it up.
    pub async fn send_pair_apart(
        &self,
        control: &Req,
        probe: &Req,
    ) -> (Result<Page, NetError>, Result<Page, NetError>, Duration) {
        let _shared = self.quiet.read().await;
        let _apart = self.delaying.write().await;
        let _slots = self.in_flight.acquire_many(2).await;
        self.watch.open();
        let t = self.timeout;
        let (c, (p, longest)) = tokio::join!(
            async {
                self.pacer.slot().await;
                self.exchange(control, t).await
            },
            async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                self.pacer.slot().await;
                let p = self.exchange(probe, t).await;
                (p, self.watch.close())
            }
        );
        (c, p, longest)
    }

    /// Sends `control`, and 20 ms later `probe`, with no other request of this scan in flight:
    /// waits for those in flight to end and holds the others back until both answers are in.
    /// It stalls the whole scan for a while: [`super::probe::confirm_slow`] uses it only when a
    /// pair sent apart could have been held up by another slow request.
    pub async fn send_pair_alone(
        &self,
        control: &Req,
        probe: &Req,
    ) -> (Result<Page, NetError>, Result<Page, NetError>) {
        let _alone = self.quiet.write().await;
        let t = self.timeout;
        tokio::join!(self.exchange(control, t), async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            self.exchange(probe, t).await
        })
    }
}
