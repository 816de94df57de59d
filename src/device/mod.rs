//! Talking to devices: the device's address, the client of reset-proxy's API (and the link to
//! a helper on this computer), and the reset calls in device words.

pub mod address;
pub mod client;
mod helper_link;
pub mod reset;
