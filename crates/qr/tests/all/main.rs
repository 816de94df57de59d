//! The QR pipeline's integration tests, one binary with a module per subject (one binary per
//! crate keeps a test build's link time down on two cores).

mod generated;
