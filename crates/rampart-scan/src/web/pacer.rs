//! Who sends next: the rate limit's slots go to the oldest piece of work first.
//!
//! The scan's checks run side by side and every request waits for a slot of the rate limit
//! (50 requests/s by default). Served in arrival order, every request of a parameter's chain —
//! a quote, then a pair of conditions, then a sleep, then its control — waits behind the
//! requests of every other parameter in flight: a third of a second per step, and a slow
//! parameter's proof (several 2-s answers in a row) is left for the end of the scan. Served
//! oldest work first, a parameter once started finishes soon after; the rate, and so the
//! load on the server, is the same.
//!
//! "Work" is one item of [`super::probe::each_in_order`] (a parameter, a page, a place): each
//! is numbered when it starts, and its requests carry that number (a task-local), nested
//! items keeping their outer item's. Before the item comes the check's rank ([`as_check`]):
//! a check ranked first is served whenever it has a request waiting, the next ones fill the
//! slots it leaves (while its requests wait on delays). Requests of no item (a check's own
//! sequential steps) come first within their check. The rate limit of `rampart-net` still
//! holds every request; this only orders them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

tokio::task_local! {
    /// The piece of work the current task's requests belong to: (check's rank, item).
    static WORK: Work;
}

/// (check's rank, item's number): smaller goes first.
type Work = (u64, u64);

/// Numbers items in the order they start (process-wide: only the order matters).
static NEXT_ITEM: AtomicU64 = AtomicU64::new(1);

/// Runs `fut` as the check ranked `rank` (0 first).
pub fn as_check<F: std::future::Future>(
    rank: u64,
    fut: F,
) -> impl std::future::Future<Output = F::Output> {
    WORK.scope((rank, 0), fut)
}

/// Runs `fut` as a new item of the check it runs in, numbered when it starts — or as part of
/// the item it is started from, which keeps its place.
pub async fn as_work<F: std::future::Future>(fut: F) -> F::Output {
    let (rank, item) = current_work();
    let item = if item > 0 {
        item
    } else {
        NEXT_ITEM.fetch_add(1, Ordering::Relaxed)
    };
    WORK.scope((rank, item), fut).await
}

/// The piece of work the current task belongs to; (0, 0) (first) outside any check.
pub(super) fn current_work() -> Work {
    WORK.try_with(|w| *w).unwrap_or((0, 0))
}

/// Hands out one slot per `interval`, to the waiting request of the oldest work (ties: the
/// earlier arrival).
#[derive(Clone)]
pub struct Pacer {
    interval: Option<Duration>,
    state: Arc<Mutex<Queue>>,
}

struct Queue {
    /// The earliest time the next slot may be handed out.
    next: Instant,
    waiting: BinaryHeap<Reverse<Waiter>>,
    /// Whether a dispatcher task is running (it stops when nobody waits).
    dispatching: bool,
    arrivals: u64,
}

struct Waiter {
    work: Work,
    arrival: u64,
    go: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        (self.work, self.arrival) == (other.work, other.arrival)
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.work, self.arrival).cmp(&(other.work, other.arrival))
    }
}

impl Pacer {
    /// One slot per `interval`; `None`: no pacing (every request goes at once).
    pub fn new(interval: Option<Duration>) -> Self {
        Pacer {
            interval: interval.filter(|i| !i.is_zero()),
            state: Arc::new(Mutex::new(Queue {
                next: Instant::now(),
                waiting: BinaryHeap::new(),
                dispatching: false,
                arrivals: 0,
            })),
        }
    }

    /// Waits for this request's slot.
    pub async fn slot(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let go = {
            let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            if !q.dispatching && q.next <= now {
                q.next = now + interval;
                return;
            }
            let (tx, rx) = oneshot::channel();
            q.arrivals += 1;
            let waiter = Waiter {
                work: current_work(),
                arrival: q.arrivals,
                go: tx,
            };
            q.waiting.push(Reverse(waiter));
            if !q.dispatching {
                q.dispatching = true;
                tokio::spawn(dispatch(self.state.clone(), interval));
            }
            rx
        };
        // An error means the dispatcher is gone (the runtime is shutting down): go; the rate
        // limit still holds the request.
        let _ = go.await;
    }
}

/// Hands out the slots while anybody waits. A waiter that gave up (its future was dropped)
/// is skipped without using a slot.
async fn dispatch(state: Arc<Mutex<Queue>>, interval: Duration) {
    loop {
        let next = state.lock().unwrap_or_else(|e| e.into_inner()).next;
        tokio::time::sleep_until(next).await;
        let mut q = state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match q.waiting.pop() {
                None => {
                    q.dispatching = false;
                    return;
                }
                Some(Reverse(w)) => {
                    if w.go.send(()).is_ok() {
                        break;
                    }
                }
            }
        }
        // From the slot's time, not from now: the timer's lateness must not slow the rate;
        // but after a long stall, no burst to catch up.
        let now = Instant::now();
        q.next = (q.next + interval).max(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_go_to_the_oldest_work_at_the_rate() {
        let pacer = Pacer::new(Some(Duration::from_millis(20)));
        // Takes the first slot: the others wait.
        pacer.slot().await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let mut tasks = Vec::new();
        // Item 30 arrives first, item 10 of the same check last, item 40 of a check ranked
        // before theirs in between: 40 goes first, then 10.
        for work in [(1, 30), (0, 40), (1, 10)] {
            let (pacer, order) = (pacer.clone(), order.clone());
            tasks.push(tokio::spawn(WORK.scope(work, async move {
                pacer.slot().await;
                order.lock().unwrap().push((work, start.elapsed()));
            })));
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        let works: Vec<Work> = order.iter().map(|(w, _)| *w).collect();
        assert_eq!(works, [(0, 40), (1, 10), (1, 30)]);
        let times: Vec<u128> = order.iter().map(|(_, t)| t.as_millis()).collect();
        assert_eq!(times, [20, 40, 60]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_that_gave_up_takes_no_slot() {
        let pacer = Pacer::new(Some(Duration::from_millis(20)));
        pacer.slot().await;
        let start = Instant::now();
        let gave_up = {
            let pacer = pacer.clone();
            tokio::spawn(WORK.scope((0, 1), async move { pacer.slot().await }))
        };
        tokio::task::yield_now().await;
        gave_up.abort();
        let _ = gave_up.await;
        let waits = {
            let pacer = pacer.clone();
            tokio::spawn(WORK.scope((0, 2), async move { pacer.slot().await }))
        };
        waits.await.unwrap();
        assert_eq!(start.elapsed().as_millis(), 20);
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_rate_nothing_waits() {
        let pacer = Pacer::new(None);
        let start = Instant::now();
        for _ in 0..100 {
            pacer.slot().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test]
    async fn nested_work_keeps_the_outer_number() {
        let (outer, inner) = as_check(
            3,
            as_work(async { (current_work(), as_work(async { current_work() }).await) }),
        )
        .await;
        assert_eq!(outer, inner);
        assert_eq!(outer.0, 3);
        assert!(outer.1 > 0);
        assert_eq!(current_work(), (0, 0));
    }
}
