//! `reset-proxy`: parse flags, environment and the optional TOML file, then start the server
//! (and the simulated device in demo mode).

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use protocol::proxy_api::DEFAULT_HELPER_PORT;
use reset_proxy::start;
use reset_proxy::targets::IpRange;
use reset_proxy::{Bound, Config, TlsFiles};
use serde::Deserialize;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// The small bridge between the password-reset wizard in a browser and devices on this LAN.
///
/// Every setting can also come from an environment variable or from the TOML file given with
/// --config (keys as the long flags, e.g. `allow-origin = ["https://help.example"]`);
/// flags win over the environment, which wins over the file.
#[derive(Parser, Debug, Default, Deserialize)]
#[command(version, about)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// Without a command, serve the wizard.
    #[command(subcommand)]
    #[serde(skip)]
    command: Option<Command>,
    /// Addresses to listen on (repeat or separate with commas). Default 127.0.0.1:8080 and
    /// [::1]:8080, so only this computer can use it; any other address serves HTTPS only.
    #[arg(long, env = "RESET_PROXY_LISTEN", value_delimiter = ',')]
    #[serde(default)]
    listen: Vec<SocketAddr>,
    /// A TOML file with more settings.
    #[arg(long, global = true, env = "RESET_PROXY_CONFIG")]
    #[serde(skip)]
    config: Option<PathBuf>,
    /// Start a simulated device in-process, let the proxy reach it, and print the URL to open.
    #[arg(long, env = "RESET_PROXY_DEMO")]
    #[serde(default)]
    demo: bool,
    /// Serve the built wizard from this folder (Trunk's dist) instead of the one built in.
    #[arg(long, env = "RESET_PROXY_DIST")]
    dist: Option<PathBuf>,
    /// Where SADP discovery probes go (repeatable). Default the devices' multicast group
    /// 239.255.255.250:37020, sent with TTL 1 so probes stay on this LAN segment.
    #[arg(long, env = "RESET_PROXY_SADP_TARGET", value_delimiter = ',')]
    #[serde(default)]
    sadp_target: Vec<SocketAddr>,
    /// More device addresses or ranges to allow besides the private LAN ranges, e.g.
    /// 192.0.0.64 (a factory-default camera) or 203.0.113.0/24. Loopback, link-local,
    /// multicast and IPv4-in-IPv6 forms stay refused.
    #[arg(
        long,
        global = true,
        env = "RESET_PROXY_ALLOW_DEVICES",
        value_delimiter = ','
    )]
    #[serde(default)]
    allow_devices: Vec<IpRange>,
    /// Allow devices on loopback (only for development with a simulated device).
    #[arg(long, global = true, env = "RESET_PROXY_ALLOW_LOOPBACK_DEVICES")]
    #[serde(default)]
    allow_loopback_devices: bool,
    /// Host names this proxy answers to besides localhost and its listen addresses
    /// (anything else is refused, which stops DNS-rebinding pages).
    #[arg(long, env = "RESET_PROXY_HOST_NAME", value_delimiter = ',')]
    #[serde(default)]
    host_name: Vec<String>,
    /// Origins of pages allowed to call the API, e.g. a help center embedding the wizard
    /// (https://help.example). The wizard's own origin is always allowed.
    #[arg(long, env = "RESET_PROXY_ALLOW_ORIGIN", value_delimiter = ',')]
    #[serde(default)]
    allow_origin: Vec<String>,
    /// Who may show the wizard in a frame (the CSP frame-ancestors value). Default 'self'.
    #[arg(long, env = "RESET_PROXY_FRAME_ANCESTORS")]
    frame_ancestors: Option<String>,
    /// The certificate chain (PEM) to serve HTTPS with; without it a LAN listener gets a
    /// self-signed certificate whose fingerprint is printed at start.
    #[arg(long, env = "RESET_PROXY_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) for --tls-cert.
    #[arg(long, env = "RESET_PROXY_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Seconds a device may take to accept a connection (default 3).
    #[arg(long, global = true, env = "RESET_PROXY_CONNECT_TIMEOUT")]
    connect_timeout: Option<u64>,
    /// Seconds a whole exchange with a device may take (default 10).
    #[arg(long, global = true, env = "RESET_PROXY_REQUEST_TIMEOUT")]
    request_timeout: Option<u64>,
    /// Save a redacted transcript of every device exchange to this file (`.json`: one JSON
    /// document; any other name: one JSON line per exchange, appended). Passwords, codes,
    /// answers, hashes, salts, challenges, session ids, GUID files and QR contents are replaced
    /// by placeholders; attach it to a bug report when a device answers unexpectedly.
    #[arg(long, env = "RESET_PROXY_RECORD")]
    record: Option<PathBuf>,
    /// A device profile correcting the [assumed] protocol details after a capture from a real
    /// device: a preset (documented, the default; early-guesses; security1-before-login) or a
    /// JSON file (`protocol::profile::DeviceProfile`). It sets which calls the GUID-file reset
    /// and SyncIPCPassword use (allow-listed), which field names hold secrets (redacted), and
    /// what the wizard reads and sends (served at /api/v1/device-profile).
    #[arg(long, global = true, env = "RESET_PROXY_DEVICE_PROFILE")]
    device_profile: Option<PathBuf>,
    /// Also serve the demo help-center article (the widget with every option) on this address,
    /// an origin of its own as a real help center's is, allowed to frame the wizard; e.g.
    /// 127.0.0.1:8081. For trying the widget, not for production.
    #[arg(long, env = "RESET_PROXY_DEMO_HELP_CENTER")]
    demo_help_center: Option<SocketAddr>,
    /// Ask for the pairing secret on loopback listeners too (a computer shared by several
    /// people). Listeners on any other address always ask for it.
    #[arg(long, env = "RESET_PROXY_REQUIRE_PAIRING")]
    #[serde(default)]
    require_pairing: bool,
    /// Do not open the browser at start (it opens only when no --listen address was given).
    #[arg(long, env = "RESET_PROXY_NO_BROWSER")]
    #[serde(default)]
    no_browser: bool,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "RESET_PROXY_LOG_JSON")]
    #[serde(default)]
    log_json: bool,
}

/// What to do instead of serving the wizard.
#[derive(Subcommand, Debug)]
enum Command {
    /// Read what one device says about itself and print a report to attach to a bug report.
    ///
    /// Five reads that need no login and change nothing (activation status, security, reset-mode,
    /// recovery e-mail and login capabilities); never a QR export, a login or a write. Secrets in
    /// the answers (salts, challenges, session ids, e-mail addresses) become placeholders. The
    /// address policy is the proxy's (--allow-devices, --allow-loopback-devices). Exits non-zero
    /// only when the device could not be reached at all.
    Probe(ProbeArgs),
}

#[derive(Args, Debug)]
struct ProbeArgs {
    /// The device: an IP address with an optional port (192.168.1.64, 192.168.1.64:8000,
    /// [fd00::5]:80).
    address: String,
    /// Print the report as JSON (protocol::probe::ProbeReport) instead of text.
    #[arg(long)]
    json: bool,
}

impl Settings {
    /// Flags and environment first, the file for whatever they left unset.
    fn merge(mut self, file: Settings) -> Settings {
        fn pick<T>(flag: &mut Vec<T>, file: Vec<T>) {
            if flag.is_empty() {
                *flag = file;
            }
        }
        pick(&mut self.listen, file.listen);
        pick(&mut self.sadp_target, file.sadp_target);
        pick(&mut self.allow_devices, file.allow_devices);
        pick(&mut self.host_name, file.host_name);
        pick(&mut self.allow_origin, file.allow_origin);
        self.demo |= file.demo;
        self.allow_loopback_devices |= file.allow_loopback_devices;
        self.log_json |= file.log_json;
        self.require_pairing |= file.require_pairing;
        self.no_browser |= file.no_browser;
        self.dist = self.dist.or(file.dist);
        self.demo_help_center = self.demo_help_center.or(file.demo_help_center);
        self.record = self.record.or(file.record);
        self.device_profile = self.device_profile.or(file.device_profile);
        self.frame_ancestors = self.frame_ancestors.or(file.frame_ancestors);
        self.tls_cert = self.tls_cert.or(file.tls_cert);
        self.tls_key = self.tls_key.or(file.tls_key);
        self.connect_timeout = self.connect_timeout.or(file.connect_timeout);
        self.request_timeout = self.request_timeout.or(file.request_timeout);
        self
    }

    fn into_config(self) -> Result<Config> {
        let mut listen = self.listen.into_iter();
        let first = listen
            .next()
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], DEFAULT_HELPER_PORT)));
        let mut also: Vec<SocketAddr> = listen.collect();
        if first == SocketAddr::from(([127, 0, 0, 1], DEFAULT_HELPER_PORT))
            && also.is_empty()
            && ipv6_works()
        {
            also.push(SocketAddr::from((
                std::net::Ipv6Addr::LOCALHOST,
                DEFAULT_HELPER_PORT,
            )));
        }
        let mut sadp = self.sadp_target.into_iter();
        let sadp_target = sadp.next().unwrap_or_else(|| {
            SocketAddr::from((protocol::sadp::SADP_MULTICAST_V4, protocol::sadp::SADP_PORT))
        });
        let mut config = Config::new(first, sadp_target);
        config.also_listen = also;
        config.extra_sadp_targets = sadp.collect();
        config.dist = self.dist;
        config.record = self.record;
        if let Some(path) = &self.device_profile {
            let preset = path
                .to_str()
                .and_then(protocol::profile::DeviceProfile::preset);
            config.device_profile = match preset {
                Some(profile) => profile,
                None => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    protocol::profile::DeviceProfile::from_json(&text)
                        .with_context(|| format!("reading the device profile {}", path.display()))?
                }
            };
        }
        config.allowed_device_ranges = self.allow_devices;
        config.allow_loopback_devices = self.allow_loopback_devices;
        config.host_names = self.host_name;
        config.allowed_origins = self.allow_origin;
        if self.require_pairing {
            config.pairing = reset_proxy::pairing::PairingPolicy::EveryListener;
        }
        if let Some(frame_ancestors) = self.frame_ancestors {
            config.frame_ancestors = frame_ancestors;
        }
        if let (Some(cert), Some(key)) = (self.tls_cert, self.tls_key) {
            config.tls = Some(TlsFiles { cert, key });
        }
        if let Some(secs) = self.connect_timeout {
            config.connect_timeout = Duration::from_secs(secs);
        }
        if let Some(secs) = self.request_timeout {
            config.request_timeout = Duration::from_secs(secs);
        }
        Ok(config)
    }
}

fn ipv6_works() -> bool {
    std::net::TcpListener::bind((std::net::Ipv6Addr::LOCALHOST, 0)).is_ok()
}

fn main() -> ExitCode {
    // No arguments at all: started by a double-click (or as if it were), see `start`.
    let double_click = std::env::args_os().len() <= 1;
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if double_click => {
            let pause = start::pause_after_failure(
                false,
                std::io::stdin().is_terminal(),
                start::console_is_ours_alone(),
            );
            eprint!("{}", start::failure_text(&format!("{err:#}"), pause));
            if pause {
                // Any answer, or none (stdin closed), ends the wait.
                let _ = std::io::stdin().read_line(&mut String::new());
            }
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("Error: {err:?}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn run() -> Result<()> {
    let mut settings = Settings::parse();
    if let Some(path) = settings.config.clone() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let file: Settings =
            toml::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
        settings = settings.merge(file);
    }
    if let Some(Command::Probe(args)) = settings.command.take() {
        return probe(settings, args).await;
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if settings.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let demo = settings.demo;
    if demo && !cfg!(feature = "demo") {
        bail!(NO_DEMO);
    }
    let settings_help_center = settings.demo_help_center;
    let frame_ancestors_given = settings.frame_ancestors.is_some();
    // No address chosen: a double-click start (see `start`), which picks the port itself.
    let double_click = settings.listen.is_empty();
    let open_browser = double_click && !settings.no_browser;
    let record = settings.record.is_some();
    let mut config = settings.into_config()?;
    let mut moved_from = None;
    if double_click {
        match reset_proxy::start::choose_port(config.listen.port()).await? {
            start::PortChoice::Free(_) => {}
            start::PortChoice::OtherHelper { addr, health } => {
                let url = format!("http://{addr}/");
                println!(
                    "The password-reset helper (reset-proxy {}) is already running at {url}; use that one.",
                    health.version
                );
                if open_browser {
                    if let Err(why) = start::open_browser(&url) {
                        println!("{why}");
                    }
                }
                return Ok(());
            }
            start::PortChoice::Moved { taken, addr } => {
                config.listen = addr;
                config.also_listen.clear();
                moved_from = Some(taken);
            }
        }
    }

    // Kept alive for as long as the proxy runs.
    let _demo_device = if demo {
        Some(start_demo_device(&mut config).await?)
    } else {
        None
    };

    // Bound first, so the wizard knows the help center's origin it may be framed by.
    let help_center = match settings_help_center {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr} for the demo help center"))?;
            let origin = format!("http://{}", listener.local_addr()?);
            if !frame_ancestors_given {
                config.frame_ancestors = format!("'self' {origin}");
            }
            Some((listener, origin))
        }
        None => None,
    };

    let bound = Bound::bind(config).await?;
    if let Some(fingerprint) = bound.certificate_fingerprint() {
        if bound.certificate_is_self_signed() {
            println!("serving HTTPS with a self-signed certificate; check that your browser shows this SHA-256 fingerprint:\n  {fingerprint}");
        } else {
            println!("serving HTTPS; certificate SHA-256 fingerprint {fingerprint}");
        }
    }
    let scheme = bound.scheme();
    if double_click {
        let url = format!("{scheme}://{}/", bound.local_addr()?);
        let windows = cfg!(windows);
        print!("{}", start::greeting(&url, moved_from, record, windows));
        if open_browser {
            if let Err(why) = start::open_browser(&url) {
                println!("{why}");
            }
        }
    } else {
        for addr in bound.local_addrs() {
            println!(
                "reset-proxy is serving the wizard at {}",
                bound.wizard_url(addr)
            );
        }
    }
    if let Some((listener, origin)) = help_center {
        let wizard = format!("{scheme}://{}", bound.local_addr()?);
        let router = reset_proxy::help_center_demo::router(&wizard);
        tokio::spawn(reset_proxy::connections::serve(
            vec![listener],
            None,
            router,
            reset_proxy::ConnectionLimits::default(),
            std::future::pending(),
        ));
        println!("the demo help-center article embedding the widget is at {origin}/demo.html");
    }
    if bound.pairing_secret().is_some() {
        // Only on the terminal: the secret sits in the fragment, which browsers never send.
        println!("open the address with its #pair= part: other computers on the network can't use this helper without it");
    }
    bound
        .serve(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// `reset-proxy probe ADDRESS`: the report on stdout, logs (warnings only) on stderr.
async fn probe(settings: Settings, args: ProbeArgs) -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let config = settings.into_config()?;
    let report = reset_proxy::probe::probe_address(&config, &args.address)
        .await
        .with_context(|| format!("probing {}", args.address))?;
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", reset_proxy::probe::render_text(&report));
    }
    if !report.reachable {
        std::process::exit(1);
    }
    Ok(())
}

/// What `--demo` says when this binary was built without the simulated device.
const NO_DEMO: &str = "--demo needs the simulated device, which this reset-proxy was built without \
     (it is the `demo` feature, on by default: build with `cargo build -p reset-proxy --features demo`)";

/// Without the `demo` feature there is no simulated device to start.
#[cfg(not(feature = "demo"))]
async fn start_demo_device(_config: &mut Config) -> Result<std::convert::Infallible> {
    bail!(NO_DEMO)
}

/// Starts devsim on loopback, allows exactly its address and points discovery at it.
#[cfg(feature = "demo")]
async fn start_demo_device(config: &mut Config) -> Result<devsim::Running> {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Nvr);
    let device = devsim::start(
        devsim::Config::loopback(identity)
            .with_sadp(SocketAddr::from(([127, 0, 0, 1], 0)))
            .with_mailbox(true),
    )
    .await
    .context("starting the simulated device")?;
    config.demo = true;
    config.demo_mailbox = Some(reset_proxy::config::DemoMailbox(std::sync::Arc::new(
        device.mailbox_reader(),
    )));
    config.demo_secrets = Some(reset_proxy::config::DemoSecrets(std::sync::Arc::new(
        device.secrets_reader(),
    )));
    config.extra_devices.push(device.http_addr);
    if let Some(sadp) = device.sadp_addr {
        config.sadp_target = sadp;
        config.extra_sadp_targets.clear();
    }
    println!(
        "demo: simulated {} at {} (serial {})",
        device.identity.model, device.http_addr, device.identity.serial
    );
    Ok(device)
}
