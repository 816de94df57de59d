//! The device's side of a password reset: ISAPI and SADP shapes, shared by every part.
//! No I/O and no async here, so the same code runs in the browser and natively.

#![warn(missing_docs)]

pub mod csp;
pub mod downloads;
mod error;
pub mod field_crypto;
pub mod isapi;
mod json;
pub mod json_path;
pub mod login;
pub mod password;
pub mod probe;
pub mod profile;
pub mod proxy_api;
pub mod sadp;
pub mod transcript;
mod xml;

pub use error::ParseError;
pub use xml::XmlNamespace;
