//! Where rampart keeps what it observed and found.
//!
//! One interface, [`Store`], over two backends: an embedded SQLite file (WAL mode; the default,
//! next to the project file) and PostgreSQL (when a `postgres://` URL is given, e.g. for several
//! monitoring agents writing to one database). Each backend has its own migrations. This is the
//! only crate that knows SQL.

mod convert;
mod findings;
mod migrate;
mod serve;
mod store;

pub use findings::{AssessmentRun, FindingEvent, LifecycleChanges};
pub use serve::{
    AuditEvent, Grain, MonitorState, Outage, OutageChange, Rollup, RollupChanges, RollupTotals,
    Session, ThreatTriageEdit, User,
};
pub use store::{Backend, ObservationFilter, Run, Store, StoreError};
