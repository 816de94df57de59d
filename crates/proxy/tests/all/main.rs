//! reset-proxy's integration tests, one binary with a module per subject (linking one binary
//! instead of one per file is most of a test build's time on two cores).

mod attempts;
mod bounds;
mod browser_checks;
mod device_faults;
mod discovery;
mod discovery_adapters;
mod fault_matrix;
mod forwarding;
mod https_first;
mod lockout;
mod pairing;
mod probe;
mod redaction;
mod refusals;
mod replay;
mod site;
mod start;
mod support;
mod tls;
