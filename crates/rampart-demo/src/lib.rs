//! A deliberately weak MiniTwit-like service, for `rampart demo` and for tests.
//!
//! It binds to 127.0.0.1 only and has exactly these documented weaknesses, so every rampart pillar
//! has something real to find:
//!
//! | weakness | where |
//! |---|---|
//! | reflected XSS | `GET /search?q=` echoes `q` into the page unescaped |
//! | SQL injection | `GET /api/msgs?user=` builds its SQL by string concatenation (SQLite) |
//! | forgotten test page | `GET /test/` — a debug page left behind |
//! | unthrottled login | `POST /login` answers every wrong password at once, forever |
//! | extra "admin" port | a second listener with an admin console that should not be open |
//!
//! Everything else behaves: the JSON API answers, pages link to each other, passwords are not
//! logged. Requests are written to an access log in nginx's `combined` format.

mod access_log;
mod app;
mod db;
mod pages;
pub mod project;

pub use app::{admin_app, app, AppState};

use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Where the demo listens and logs.
#[derive(Debug, Clone, Default)]
pub struct DemoConfig {
    /// Port for the web app (0 = any free port).
    pub web_port: u16,
    /// Port for the admin console (0 = any free port).
    pub admin_port: u16,
    /// Access log in nginx `combined` format; `None` = no log.
    pub access_log: Option<PathBuf>,
    /// Start with the SQL injection fixed (see [`Demo::set_sql_injection_fixed`]).
    pub sql_injection_fixed: bool,
}

/// A running demo service. Dropping it does not stop it: call [`Demo::stop`].
pub struct Demo {
    pub web: SocketAddr,
    pub admin: SocketAddr,
    state: AppState,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot set up the demo database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("cannot open the access log {path}: {source}")]
    Log {
        path: String,
        source: std::io::Error,
    },
}

impl Demo {
    /// Starts the web app and the admin console on 127.0.0.1.
    pub async fn start(config: DemoConfig) -> Result<Demo, DemoError> {
        let state = AppState::new(config.access_log.as_deref()).await?;
        state.set_sql_injection_fixed(config.sql_injection_fixed);
        let web = bind(config.web_port).await?;
        let admin = bind(config.admin_port).await?;
        let (stop, rx) = watch::channel(false);
        let web_addr = web.local_addr().map_err(|source| DemoError::Bind {
            port: config.web_port,
            source,
        })?;
        let admin_addr = admin.local_addr().map_err(|source| DemoError::Bind {
            port: config.admin_port,
            source,
        })?;
        let tasks = vec![
            tokio::spawn(serve(web, app(state.clone()), rx.clone())),
            tokio::spawn(serve(admin, admin_app(state.clone()), rx)),
        ];
        Ok(Demo {
            web: web_addr,
            admin: admin_addr,
            state,
            stop,
            tasks,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/", self.web)
    }

    /// Fixes (`true`) or brings back (`false`) the SQL injection of `GET /api/msgs?user=`, while
    /// the service runs: the "second build" a lifecycle test assesses.
    pub fn set_sql_injection_fixed(&self, fixed: bool) {
        self.state.set_sql_injection_fixed(fixed);
    }

    /// Stops both listeners and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

async fn bind(port: u16) -> Result<TcpListener, DemoError> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| DemoError::Bind { port, source })
}

async fn serve(listener: TcpListener, router: axum::Router, mut stop: watch::Receiver<bool>) {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let _ = axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await;
}
