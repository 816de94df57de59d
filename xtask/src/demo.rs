//! `cargo xtask demo`: build the wizard and serve it with a simulated device.

use crate::tools::Toolbox;
use crate::{shell, wizard, workspace_root};
use anyhow::Result;
use std::net::SocketAddr;
use std::process::Command;

/// Builds the wizard, then runs reset-proxy in demo mode on `listen` until interrupted.
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
        .arg(&dist);
    shell::run(&mut proxy)
}
