//! One fault, one class, one text: a server on 127.0.0.1 that resets the connection (before or
//! after reading the request) gives the same error class and the same error text on every probe,
//! so an incident's "most frequent cause" is the same whichever probes it counts. The OS's own
//! words (errno) are in the probe's detail.

use rampart_config::ScopeSection;
use rampart_model::{ErrorClass, Observation, Outcome, Phases};
use rampart_net::{Net, Scope};
use rampart_sla::math::exclusions::Exclusions;
use rampart_sla::math::incidents::outages;
use rampart_sla::probe::Probe;
use std::io::Read;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Closes with SO_LINGER 0: the kernel answers with RST instead of FIN.
fn reset(stream: std::net::TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a correctly sized option value.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(stream);
}

/// A server that resets every connection, after reading the request when `read_first`.
struct Resetter {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Resetter {
    fn start(read_first: bool) -> Resetter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((mut s, _)) => {
                        s.set_nonblocking(false).unwrap();
                        if read_first {
                            s.set_read_timeout(Some(std::time::Duration::from_secs(2)))
                                .unwrap();
                            let mut buf = [0u8; 4096];
                            let _ = s.read(&mut buf);
                        }
                        reset(s);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        });
        Resetter {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Resetter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn net() -> Net {
    Net::new(Scope::from_section(&ScopeSection {
        hosts: vec!["127.0.0.1".into()],
        ..Default::default()
    }))
}

fn probe(port: u16) -> Probe {
    let toml = format!(
        "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[[monitors]]\nname = \"m\"\nurl = \"http://127.0.0.1:{port}/\"\ntimeout = \"3s\"\n"
    );
    let m = rampart_config::load_str(&toml, std::path::Path::new("rampart.toml"))
        .unwrap()
        .monitors
        .remove(0);
    Probe::from_monitor(&m).unwrap()
}

#[tokio::test]
async fn a_reset_is_always_the_same_class_and_text() {
    let net = net();
    let mut seen = Vec::new();
    for read_first in [false, true] {
        let server = Resetter::start(read_first);
        let p = probe(server.port);
        for _ in 0..5 {
            let r = p.run(&net).await;
            assert_eq!(r.outcome, Outcome::Down, "{r:?}");
            seen.push((r.error_class, r.error.clone(), r.detail.clone()));
        }
        drop(server);
    }
    for (class, error, detail) in &seen {
        assert_eq!(*class, Some(ErrorClass::Protocol), "{seen:?}");
        let e = error.as_deref().unwrap();
        assert!(
            e.ends_with(": connection reset by peer") || e.ends_with(": connection closed early"),
            "{seen:?}"
        );
        assert!(!e.contains("os error"), "{seen:?}");
        assert!(detail.is_some(), "{seen:?}");
    }
    // Within one server, one text.
    for half in seen.chunks(5) {
        assert!(half.iter().all(|s| s.1 == half[0].1), "{seen:?}");
    }
    // An incident over these probes names one cause, whatever their order.
    let obs: Vec<Observation> = seen[..5]
        .iter()
        .enumerate()
        .map(|(i, (class, error, _))| {
            let at = chrono::Utc::now() + chrono::Duration::seconds(i as i64);
            Observation {
                monitor: "m".into(),
                agent: "a".into(),
                target: "t".into(),
                scheduled_at: at,
                started_at: at,
                outcome: Outcome::Down,
                status: None,
                phases: Phases::default(),
                error_class: *class,
                error: error.clone(),
            }
        })
        .collect();
    let inc = outages(&obs, &Exclusions::none());
    assert_eq!(inc.len(), 1);
    assert_eq!(
        inc[0].cause,
        format!("protocol: {}", seen[0].1.as_deref().unwrap())
    );
}
