//! `devsim`: run a simulated device from the command line.

use anyhow::{Context, Result};
use clap::Parser;
use devsim::{Config, DeviceIdentity, Profile};
use std::net::SocketAddr;

/// A simulated Hikvision device for tests and demos. Listens only where it is told.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// ISAPI (HTTP) listen address, e.g. 127.0.0.1:8081.
    #[arg(long, env = "DEVSIM_HTTP", default_value = "127.0.0.1:0")]
    http: SocketAddr,
    /// SADP (UDP) listen address, e.g. 127.0.0.1:37020; no discovery when absent.
    #[arg(long, env = "DEVSIM_SADP")]
    sadp: Option<SocketAddr>,
    /// Which device to simulate: nvr or camera.
    #[arg(long, env = "DEVSIM_PROFILE", default_value = "nvr", value_parser = parse_profile)]
    profile: Profile,
    /// Pretend the device has never been activated (no admin password yet).
    #[arg(long)]
    not_activated: bool,
}

fn parse_profile(name: &str) -> Result<Profile, String> {
    Profile::from_name(name).ok_or_else(|| format!("unknown profile {name:?}; use nvr or camera"))
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let mut identity = DeviceIdentity::random(args.profile);
    identity.activated = !args.not_activated;
    let mut config = Config::loopback(identity).with_http(args.http);
    if let Some(sadp) = args.sadp {
        config = config.with_sadp(sadp);
    }
    let running = devsim::start(config)
        .await
        .context("starting the simulated device")?;
    println!(
        "devsim: {} serial {}",
        running.identity.model, running.identity.serial
    );
    println!("devsim: ISAPI on http://{}", running.http_addr);
    if let Some(sadp) = running.sadp_addr {
        println!("devsim: SADP on udp://{sadp}");
    }
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl+C")?;
    Ok(())
}
