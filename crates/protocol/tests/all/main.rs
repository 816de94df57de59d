//! The protocol crate's integration tests, one binary with a module per subject (linking one
//! binary instead of one per file is most of a test build's time on two cores).

mod common;
mod documented_messages;
mod helper_fit;
mod isapi_capabilities;
mod isapi_email_cap;
mod isapi_other_routes;
mod isapi_reset_bodies;
mod isapi_status;
mod login;
mod never_panics;
mod password;
mod probe;
mod profile;
mod sadp;
mod transcript;
mod vectors;
