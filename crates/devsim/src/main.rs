//! `devsim`: run one or many simulated devices from the command line.
//! Only parses the settings, starts the devices and prints where they listen.

use anyhow::{Context, Result};
use clap::Parser;
use devsim::{Config, DeviceIdentity, Profile, Running};
use std::net::SocketAddr;
use std::time::Duration;

/// A simulated Hikvision device for tests and demos. Listens only where it is told.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// ISAPI (HTTP) listen address, e.g. 127.0.0.1:8081. With --count, devices listen on
    /// 127.0.0.10, .11, … instead, on this port plus their index (or free ports for 0).
    #[arg(long, env = "DEVSIM_HTTP", default_value = "127.0.0.1:0")]
    http: SocketAddr,
    /// SADP (UDP) listen address, e.g. 127.0.0.1:37020; no discovery when absent.
    #[arg(long, env = "DEVSIM_SADP")]
    sadp: Option<SocketAddr>,
    /// Which device to simulate: nvr, camera, old-firmware, email-not-reserved, short-passwords.
    #[arg(long, env = "DEVSIM_PROFILE", default_value = "nvr", value_parser = parse_profile)]
    profile: Profile,
    /// How many devices to simulate, each with its own address, MAC, serial and port.
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// Also serve HTTPS with a self-signed certificate, on a free port of the same address.
    #[arg(long)]
    https: bool,
    /// Pretend the device has never been activated (no admin password yet).
    #[arg(long)]
    not_activated: bool,
    /// Answer writes with 403 "Invalid Operation" for this many seconds after start.
    #[arg(long, default_value_t = 0)]
    booting_seconds: u64,
    /// Demo only: serve GET /devsim/mailbox with the code for the last exported QR code.
    #[arg(long)]
    mailbox: bool,
    /// Wrong tries before the lock.
    #[arg(long, default_value_t = devsim::LockPolicy::DEFAULT.max_attempts)]
    lock_tries: u32,
    /// How long the lock lasts, in seconds.
    #[arg(long, default_value_t = devsim::LockPolicy::DEFAULT.lock_seconds)]
    lock_seconds: u32,
    /// Start with the security questions never set (NVR and old firmware set them by default).
    #[arg(long)]
    no_security_questions: bool,
    /// How many simulated cameras sit behind the device (NVR default 3, every third offline).
    #[arg(long)]
    cameras: Option<u32>,
    /// Which answer shapes and [assumed] protocol details to follow: a preset (documented, the
    /// default; early-guesses; security1-before-login) or a device profile file (JSON,
    /// `protocol::profile::DeviceProfile`, e.g. the GUID-reset call a capture showed).
    #[arg(long, env = "DEVSIM_DEVICE_PROFILE")]
    device_profile: Option<std::path::PathBuf>,
    /// Act as the device a support transcript recorded (reset-proxy --record FILE, JSON lines
    /// or one JSON document) instead of simulating one; GET /devsim/replay reports progress.
    #[arg(long, env = "DEVSIM_REPLAY")]
    replay: Option<std::path::PathBuf>,
}

fn parse_profile(name: &str) -> Result<Profile, String> {
    Profile::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
        format!("unknown profile {name:?}; use one of {}", names.join(", "))
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let mut identity = DeviceIdentity::random(args.profile);
    identity.activated = !args.not_activated;
    let mut config = Config::loopback(identity)
        .with_http(args.http)
        .with_booting(Duration::from_secs(args.booting_seconds))
        .with_mailbox(args.mailbox)
        .with_lock_policy(args.lock_tries, args.lock_seconds);
    if args.no_security_questions {
        config = config.with_questions(devsim::Questions::NeverSet);
    }
    if let Some(cameras) = args.cameras {
        config = config.with_cameras(cameras);
    }
    if let Some(path) = &args.device_profile {
        let preset = path.to_str().and_then(devsim::DeviceProfile::preset);
        let details = match preset {
            Some(details) => details,
            None => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                devsim::DeviceProfile::from_json(&text)
                    .with_context(|| format!("reading the device profile {}", path.display()))?
            }
        };
        config = config.with_profile_details(details);
    }
    if let Some(path) = &args.replay {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let transcript = devsim::Transcript::parse(&text)
            .with_context(|| format!("reading the transcript {}", path.display()))?;
        config = config.with_replay(transcript);
    }
    if let Some(sadp) = args.sadp {
        config = config.with_sadp(sadp);
    }
    if args.https {
        config = config.with_https();
    }
    // Kept alive until Ctrl+C: dropping them stops the servers.
    let (_single, _fleet, sadp_addr);
    let devices: Vec<&Running> = if args.count == 1 {
        let running = devsim::start(config)
            .await
            .context("starting the simulated device")?;
        sadp_addr = running.sadp_addr;
        _single = Some(running);
        _fleet = None;
        _single.iter().collect()
    } else {
        let fleet = devsim::start_many(config, args.count)
            .await
            .context("starting the simulated devices")?;
        sadp_addr = fleet.sadp_addr;
        _single = None;
        _fleet = Some(fleet);
        _fleet.iter().flat_map(|f| f.devices.iter()).collect()
    };
    // The first two lines of each device stay in this order: tests read them.
    for device in devices {
        println!(
            "devsim: {} serial {}",
            device.identity.model, device.identity.serial
        );
        println!("devsim: ISAPI on {}", device.url());
        if let Some(https) = device.https_addr {
            println!("devsim: HTTPS on https://{https}");
        }
    }
    if let Some(sadp) = sadp_addr {
        println!("devsim: SADP on udp://{sadp}");
    }
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl+C")?;
    Ok(())
}
