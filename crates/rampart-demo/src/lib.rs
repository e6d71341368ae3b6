//! Demo service (being written).
