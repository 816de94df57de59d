//! `cargo xtask demo`: build the wizard and serve it with a simulated device.

use crate::tools::Toolbox;
use crate::{shell, wizard, workspace_root};
use anyhow::Result;
use std::net::SocketAddr;
use std::process::Command;

/// Builds the wizard, then runs reset-proxy in demo mode on `listen` until interrupted, with the
/// demo help-center article on the next port: an origin of its own, as a real help center's is.
pub fn run(listen: SocketAddr) -> Result<()> {
    let root = workspace_root();
    let tools = Toolbox::for_build(&root)?;
    let dist = wizard::build(&root, &tools)?;
    println!("\nstarting reset-proxy with a simulated device; press Ctrl+C to stop");
    let mut proxy = Command::new("cargo");
    proxy
        .current_dir(&root)
        .args([
            "run",
            "--quiet",
            "-p",
            "reset-proxy",
            "--",
            "--demo",
            "--listen",
        ])
        .arg(listen.to_string())
        .arg("--dist")
        .arg(&dist)
        .arg("--demo-help-center")
        .arg(help_center_addr(listen).to_string());
    shell::run(&mut proxy)
}

/// Where the demo help center listens: beside the proxy, on the next port (any free one when
/// the proxy's is picked by the system or is the last).
fn help_center_addr(listen: SocketAddr) -> SocketAddr {
    let next = match listen.port() {
        0 => 0,
        port => port.checked_add(1).unwrap_or(0),
    };
    SocketAddr::new(listen.ip(), next)
}
