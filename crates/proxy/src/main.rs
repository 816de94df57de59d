//! `reset-proxy`: parse flags, start the server (and the simulated device in demo mode).

use anyhow::{Context, Result};
use clap::Parser;
use reset_proxy::{Bound, Config};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The small bridge between the password-reset wizard in a browser and devices on this LAN.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on. Loopback by default, so only this computer can use it.
    #[arg(long, env = "RESET_PROXY_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Folder with the built wizard (Trunk's dist) to serve at /.
    #[arg(long, env = "RESET_PROXY_DIST")]
    dist: Option<PathBuf>,
    /// Where SADP discovery probes go (the devices' multicast group by default).
    #[arg(
        long,
        env = "RESET_PROXY_SADP_TARGET",
        default_value = "239.255.255.250:37020"
    )]
    sadp_target: SocketAddr,
    /// Start a simulated device in-process and let the proxy reach it (for trying the wizard).
    #[arg(long, env = "RESET_PROXY_DEMO")]
    demo: bool,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let mut config = Config::new(args.listen, args.sadp_target);
    config.dist = args.dist;

    // Kept alive for as long as the proxy runs.
    let _demo_device = if args.demo {
        let identity = devsim::DeviceIdentity::random(devsim::Profile::Nvr);
        let device = devsim::start(
            devsim::Config::loopback(identity).with_sadp(SocketAddr::from(([127, 0, 0, 1], 0))),
        )
        .await
        .context("starting the simulated device")?;
        config.demo = true;
        config.extra_devices.push(device.http_addr);
        if let Some(sadp) = device.sadp_addr {
            config.sadp_target = sadp;
        }
        println!(
            "demo: simulated {} at {} (serial {})",
            device.identity.model, device.http_addr, device.identity.serial
        );
        Some(device)
    } else {
        None
    };

    let bound = Bound::bind(config).await?;
    let addr = bound.local_addr()?;
    println!("reset-proxy is serving the wizard at http://{addr}/");
    bound
        .serve(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
