//! The Content-Security-Policy headers the proxy sends: the wizard's page policy (one definition,
//! in the protocol crate, shared with `cargo xtask dist`) and a strict one for everything else.

pub use protocol::csp::{header_value, policy};

/// The strict policy for everything that is not the wizard's page (JSON, files, errors).
pub const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";
