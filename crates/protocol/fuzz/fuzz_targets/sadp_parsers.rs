//! Feeds arbitrary datagrams to the SADP parsers; any panic is a bug.
//! Run from crates/protocol: `cargo +nightly fuzz run sadp_parsers`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::sadp::{Probe, ProbeMatch};

fuzz_target!(|data: &[u8]| {
    if let Ok(found) = ProbeMatch::parse(data) {
        // Whatever was read must survive a write and a re-read unchanged.
        let again = ProbeMatch::parse(found.to_xml().as_bytes());
        assert_eq!(again.ok(), Some(found));
    }
    let _ = Probe::parse(data);
});
