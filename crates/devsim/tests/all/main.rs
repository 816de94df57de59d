//! devsim's integration tests, one binary with a module per subject (linking one binary
//! instead of one per file is most of a test build's time on two cores).

mod common;
mod documented_shapes;
mod email_reset;
mod faults;
mod fixtures;
mod fleet;
mod https;
mod other_routes;
mod over_http;
