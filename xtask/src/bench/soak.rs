//! `cargo xtask bench soak [--minutes N]`: the release reset-proxy for N minutes (default 10)
//! under 200 wizard sessions doing whole e-mail resets against 20 devsim devices, with hostile
//! clients on top: slowloris, 10,000 idle connections, junk SADP answers and a device whose
//! answers never end. Reports errors, latency, resets lost and the proxy's memory over time.
//! Everything is on loopback; each hostile client comes from a loopback address of its own, as
//! another host on the LAN would.

use super::net::{self, Running};
use super::{Bench, Section};
use anyhow::{bail, Context, Result};
use protocol::isapi::{paths, EmailCertification, ResponseStatus};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
use socket2::{Domain, Socket, Type};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The section's heading in BENCHMARKS.md.
pub const TITLE: &str = "Soak (200 wizard sessions, 20 devices, hostile clients)";

const SESSIONS: usize = 200;
const DEVICES: usize = 20;
/// The idle connections the hostile client tries to keep open.
const IDLE_TARGET: usize = 10_000;
/// New idle connections it opens per second at most (bounded churn on a shared machine).
const IDLE_RATE: usize = 500;
const SLOWLORIS: usize = 64;
/// The goals.
const RSS_GOAL_MB: f64 = 50.0;
/// Memory is flat when the end is within this of the middle.
const FLAT_MB: f64 = 5.0;
/// The passwords the resets alternate between (a device refuses its current one).
const PASSWORDS: [&str; 2] = ["Quiet-Harb0ur#71", "Quiet-Harb0ur#72"];

/// Runs the soak for `minutes` and returns its section.
pub fn run(bench: &mut Bench, minutes: f64) -> Result<Section> {
    let duration = Duration::from_secs_f64(minutes * 60.0);
    let idle_target = raise_fd_limit(IDLE_TARGET + SESSIONS * 2 + 1_000)?;
    let servers = bench.servers()?;
    let scratch = std::env::temp_dir().join(format!("reset-wizard-soak-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;

    let sadp = SocketAddr::from(([127, 0, 0, 1], net::free_port()?));
    let _devsim = Running(
        Command::new(&servers.devsim)
            .args(["--count", &DEVICES.to_string(), "--profile", "camera"])
            .args(["--mailbox", "--sadp", &sadp.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting devsim")?,
    );
    let stats = Arc::new(Stats::default());
    let junk = junk_sadp(stats.clone())?;
    let hostile_device = endless_device()?;

    let proxy = SocketAddr::from(([127, 0, 0, 1], net::free_port()?));
    let log = std::fs::File::create(scratch.join("reset-proxy.log"))?;
    let proxy_process = Command::new(&servers.proxy)
        .args(["--listen", &proxy.to_string(), "--allow-loopback-devices"])
        .args(["--sadp-target", &sadp.to_string()])
        .args(["--sadp-target", &junk.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("starting reset-proxy")?;
    let pid = proxy_process.id();
    let _proxy = Running(proxy_process);
    net::wait_for_port(proxy, Duration::from_secs(15), "reset-proxy")?;
    let devices = find_devices(proxy)?;

    let stop = Arc::new(AtomicBool::new(false));
    let device_locks: Arc<Vec<Mutex<usize>>> =
        Arc::new((0..devices.len()).map(|_| Mutex::new(0)).collect());
    let rss_start = rss_mb(pid)?;
    let started = Instant::now();
    let deadline = started + duration;

    let mut threads = Vec::new();
    for i in 0..SESSIONS {
        let (stats, stop, locks, devices) = (
            stats.clone(),
            stop.clone(),
            device_locks.clone(),
            devices.clone(),
        );
        threads.push(std::thread::spawn(move || {
            session(i, proxy, &devices, &locks, &stats, &stop)
        }));
    }
    {
        let (stats, stop) = (stats.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            idle(proxy, idle_target, &stats, &stop)
        }));
    }
    {
        let (stats, stop) = (stats.clone(), stop.clone());
        threads.push(std::thread::spawn(move || slowloris(proxy, &stats, &stop)));
    }
    {
        let (stats, stop) = (stats.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            huge_answers(proxy, hostile_device, &stats, &stop)
        }));
    }

    let mut rss_middle = None;
    let mut samples = Vec::new();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(5).min(deadline - Instant::now()));
        let rss = rss_mb(pid)?;
        samples.push((started.elapsed().as_secs(), rss));
        if rss_middle.is_none() && started.elapsed() >= duration / 2 {
            rss_middle = Some(rss);
        }
        println!(
            "soak: {:>4} s, {} resets done, {} lost, RSS {rss:.1} MB",
            started.elapsed().as_secs(),
            stats.resets.load(Ordering::Relaxed),
            stats.lost.lock().map(|l| l.len()).unwrap_or(0)
        );
    }
    let rss_end = rss_mb(pid)?;
    let rss_peak = peak_rss_mb(pid).unwrap_or(rss_end);
    stop.store(true, Ordering::SeqCst);
    for thread in threads {
        let _ = thread.join();
    }
    let _ = std::fs::remove_dir_all(&scratch);

    let report = Report {
        minutes,
        stats: &stats,
        rss: [rss_start, rss_middle.unwrap_or(rss_end), rss_end, rss_peak],
        samples: &samples,
        idle_target,
    };
    Ok(report.section())
}

/// Raises this process's open-file soft limit towards `wanted`, within the hard limit; returns
/// how many idle connections fit under what it got.
fn raise_fd_limit(wanted: usize) -> Result<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        bail!("reading the open-file limit");
    }
    let target = (wanted as libc::rlim_t).min(limit.rlim_max);
    if target > limit.rlim_cur {
        limit.rlim_cur = target;
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
            bail!("raising the open-file limit to {target}");
        }
    }
    let room = usize::try_from(limit.rlim_cur)
        .unwrap_or(usize::MAX)
        .saturating_sub(SESSIONS * 2 + 1_000);
    Ok(room.min(IDLE_TARGET))
}

fn rss_mb(pid: u32) -> Result<f64> {
    status_kb(pid, "VmRSS:").map(|kb| kb / 1024.0)
}

fn peak_rss_mb(pid: u32) -> Result<f64> {
    status_kb(pid, "VmHWM:").map(|kb| kb / 1024.0)
}

fn status_kb(pid: u32, field: &str) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("reading the proxy's /proc status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .with_context(|| format!("{field} in /proc/{pid}/status"))?;
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("reading {line}"))
}

/// What every thread adds to.
#[derive(Default)]
struct Stats {
    resets: AtomicU64,
    requests: AtomicU64,
    busy_retries: AtomicU64,
    /// Microseconds per API request of the sessions.
    latencies: Mutex<Vec<u32>>,
    /// Unexpected answers, by what they were.
    errors: Mutex<BTreeMap<String, u64>>,
    /// Resets that did not end proven, and why.
    lost: Mutex<Vec<String>>,
    idle_opened: AtomicU64,
    idle_closed: AtomicU64,
    slowloris_closed: AtomicU64,
    huge_refused: AtomicU64,
    huge_other: AtomicU64,
    junk_sent: AtomicU64,
}

impl Stats {
    fn error(&self, what: String) {
        if let Ok(mut errors) = self.errors.lock() {
            *errors.entry(what).or_default() += 1;
        }
    }
}

/// One HTTP/1.1 exchange from a chosen loopback address (one connection per request).
struct Http {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn request(
    from: Ipv4Addr,
    to: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &str)>,
) -> Result<Http> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from(SocketAddrV4::new(from, 0)).into())?;
    socket.connect_timeout(&to.into(), Duration::from_secs(5))?;
    let mut stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let (kind, text) = body.unwrap_or(("", ""));
    if !kind.is_empty() {
        head.push_str(&format!("Content-Type: {kind}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", text.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(text.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("an answer without a head")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .context("a status line")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok(Http {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 || body.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[(end + 4 + size).min(body.len())..];
    }
    out
}

/// The devices as discovery lists them (ISAPI addresses), waiting for all of them.
fn find_devices(proxy: SocketAddr) -> Result<Vec<SocketAddr>> {
    let headers = [("X-Reset-Wizard", "1"), ("Sec-Fetch-Site", "same-origin")];
    for _ in 0..60 {
        let answer = request(
            Ipv4Addr::LOCALHOST,
            proxy,
            "GET",
            "/api/v1/devices",
            &headers,
            None,
        )?;
        let list: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
        let mut found: Vec<SocketAddr> = list["devices"]
            .as_array()
            .map(|devices| {
                devices
                    .iter()
                    .filter_map(|d| {
                        let ip: Ipv4Addr = d["ipv4"].as_str()?.parse().ok()?;
                        let port = u16::try_from(d["httpPort"].as_u64()?).ok()?;
                        Some(SocketAddr::from((ip, port)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        if found.len() >= DEVICES {
            return Ok(found);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    bail!("discovery did not list the {DEVICES} simulated devices")
}

/// One browser tab: discovery, the device reads, then whole resets of its device (one reset at
/// a time per device, as a device has one reset code at a time), until the end.
fn session(
    i: usize,
    proxy: SocketAddr,
    devices: &[SocketAddr],
    locks: &[Mutex<usize>],
    stats: &Stats,
    stop: &AtomicBool,
) {
    let from = Ipv4Addr::new(127, 0, 1, u8::try_from(i % 250 + 1).unwrap_or(1));
    let which = i % devices.len();
    let device = devices[which];
    let mut tab = Tab {
        from,
        proxy,
        cookie: None,
        prefix: format!("/api/v1/devices/{}/{}", device.ip(), device.port()),
        stats,
    };
    while !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        let Ok(mut turn) = locks[which].lock() else {
            return;
        };
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match tab.reset(device, &mut turn) {
            Ok(()) => {
                stats.resets.fetch_add(1, Ordering::Relaxed);
            }
            Err(why) => {
                if let Ok(mut lost) = stats.lost.lock() {
                    lost.push(format!("{device}: {why:#}"));
                }
            }
        }
        drop(turn);
        // A new tab for the next reset, as the next person would open.
        tab.cookie = None;
        let _ = started;
    }
}

struct Tab<'a> {
    from: Ipv4Addr,
    proxy: SocketAddr,
    cookie: Option<String>,
    prefix: String,
    stats: &'a Stats,
}

impl Tab<'_> {
    /// One API call as the wizard makes it; a busy proxy is asked again (as the person would
    /// press "Try again"), counted apart.
    fn api(&mut self, method: &str, path: &str, body: Option<(&str, &str)>) -> Result<Http> {
        for _ in 0..100 {
            let mut headers = vec![("X-Reset-Wizard", "1"), ("Sec-Fetch-Site", "same-origin")];
            let cookie = self.cookie.clone();
            if let Some(cookie) = &cookie {
                headers.push(("Cookie", cookie));
            }
            let started = Instant::now();
            let answer = request(self.from, self.proxy, method, path, &headers, body);
            let took = started.elapsed();
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut latencies) = self.stats.latencies.lock() {
                latencies.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
            }
            let answer = match answer {
                Ok(answer) => answer,
                Err(err) => {
                    self.stats.error(format!("connection: {}", err.kind_name()));
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            if let Some(set) = answer
                .headers
                .iter()
                .find(|(n, v)| n == "set-cookie" && v.starts_with("reset_session="))
            {
                self.cookie = set.1.split(';').next().map(str::to_string);
            }
            if answer.status == 503 {
                self.stats.busy_retries.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            if answer.status != 200 {
                let code = serde_json::from_str::<serde_json::Value>(&answer.body)
                    .ok()
                    .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
                    .unwrap_or_default();
                self.stats.error(format!(
                    "{method} {}: {} {code}",
                    route(path),
                    answer.status
                ));
            }
            return Ok(answer);
        }
        bail!("{method} {path}: no answer after 100 tries")
    }

    /// A device call; the device's own answer (status and body).
    fn device(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
    ) -> Result<(u16, String)> {
        let target = format!("{}{path}", self.prefix);
        let answer = self.api(method, &target, body)?;
        if answer.status != 200 {
            bail!(
                "{method} {path}: the proxy answered {}: {}",
                answer.status,
                answer.body
            );
        }
        let envelope: serde_json::Value = serde_json::from_str(&answer.body)?;
        let status = u16::try_from(envelope["status"].as_u64().unwrap_or(0)).unwrap_or(0);
        let body = envelope["body"].as_str().unwrap_or("").to_string();
        if !(200..300).contains(&status) {
            self.stats
                .error(format!("{method} {}: device {status}", route(path)));
        }
        Ok((status, body))
    }

    /// The whole e-mail reset, as the wizard drives it; `turn` counts this device's resets.
    fn reset(&mut self, device: SocketAddr, turn: &mut usize) -> Result<()> {
        self.api("GET", "/api/v1/health", None)?;
        self.api("GET", "/api/v1/devices", None)?;
        self.device("GET", paths::ACTIVATE_STATUS, None)?;
        self.device(
            "GET",
            &format!("{}?username=admin", paths::SECURITY_CAPABILITIES),
            None,
        )?;
        self.device("GET", paths::EXTERN_CAPABILITIES, None)?;
        self.device(
            "GET",
            &format!("{}?format=json", paths::EMAIL_PARAMETER),
            None,
        )?;
        let (status, _) = self.device(
            "GET",
            &format!("{}?format=json", paths::EMAIL_QR_CODE),
            None,
        )?;
        if status != 200 {
            bail!("the QR export answered {status}");
        }
        let mailbox = request(self.from, device, "GET", "/devsim/mailbox", &[], None)?;
        let code: serde_json::Value = serde_json::from_str(&mailbox.body)?;
        let code = code["code"]
            .as_str()
            .context("devsim's mailbox has the code")?;
        let password = PASSWORDS[(*turn + 1) % 2];
        let body = EmailCertification {
            security_code: code.to_string(),
            reset_password: password.to_string(),
        }
        .to_json(&DeviceProfile::default(), None)
        .map_err(|err| anyhow::anyhow!("{err}"))?;
        let (status, answer) = self.device(
            "PUT",
            &format!("{}?format=json", paths::EMAIL_CERTIFICATION),
            Some(("application/json", &body)),
        )?;
        let refused = ResponseStatus::parse(&answer).is_ok_and(|s| !s.is_ok());
        if status != 200 || refused {
            bail!("the code was refused: {status} {answer}");
        }
        *turn += 1;
        let (_, cap) = self.device(
            "GET",
            &format!("{}?username=admin", paths::SESSION_LOGIN_CAPABILITIES),
            None,
        )?;
        let cap = SessionLoginCap::from_xml(&cap).map_err(|err| anyhow::anyhow!("{err}"))?;
        let login = SessionLogin::new(&cap, "admin", password).to_xml();
        let (status, _) = self.device(
            "POST",
            &format!("{}?timeStamp=1712345678901", paths::SESSION_LOGIN),
            Some(("application/xml", &login)),
        )?;
        if status != 200 {
            bail!("the proof login answered {status}");
        }
        Ok(())
    }
}

/// The route of a path, without device addresses, for grouping errors.
fn route(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    match path.strip_prefix("/api/v1/devices/") {
        Some(rest) => rest
            .splitn(3, '/')
            .nth(2)
            .map_or(path.to_string(), |p| format!("/{p}")),
        None => path.to_string(),
    }
}

trait KindName {
    fn kind_name(&self) -> String;
}

impl KindName for anyhow::Error {
    fn kind_name(&self) -> String {
        self.downcast_ref::<std::io::Error>()
            .map_or_else(|| "other".to_string(), |e| format!("{:?}", e.kind()))
    }
}

/// Keeps up to `target` connections open that never send a byte, from four addresses of their
/// own, reopening those the proxy closes (at most [`IDLE_RATE`] a second).
fn idle(proxy: SocketAddr, target: usize, stats: &Stats, stop: &AtomicBool) {
    let sources: Vec<Ipv4Addr> = (2..=5).map(|n| Ipv4Addr::new(127, 0, 0, n)).collect();
    let mut open: Vec<TcpStream> = Vec::new();
    let mut next = 0usize;
    while !stop.load(Ordering::SeqCst) {
        let round = Instant::now();
        let before = open.len();
        open.retain(|stream| !closed(stream));
        stats
            .idle_closed
            .fetch_add((before - open.len()) as u64, Ordering::Relaxed);
        let mut opened = 0;
        while open.len() < target && opened < IDLE_RATE / 5 {
            let from = sources[next % sources.len()];
            next += 1;
            if let Ok(stream) = connect_from(from, proxy) {
                let _ = stream.set_nonblocking(true);
                open.push(stream);
                stats.idle_opened.fetch_add(1, Ordering::Relaxed);
            }
            opened += 1;
        }
        std::thread::sleep(Duration::from_millis(200).saturating_sub(round.elapsed()));
    }
}

fn connect_from(from: Ipv4Addr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from(SocketAddrV4::new(from, 0)).into())?;
    socket.connect_timeout(&to.into(), Duration::from_millis(500))?;
    Ok(socket.into())
}

/// Whether the other end closed `stream` (a non-blocking read sees the end or an error).
fn closed(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 512];
    match (&*stream).read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(err) => err.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// Slowloris: connections that send a request head one line every two seconds, never ending
/// it; reopened when the proxy closes them.
fn slowloris(proxy: SocketAddr, stats: &Stats, stop: &AtomicBool) {
    let from = Ipv4Addr::new(127, 0, 0, 6);
    let mut open: Vec<TcpStream> = Vec::new();
    let mut line = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let before = open.len();
        open.retain(|stream| !closed(stream));
        stats
            .slowloris_closed
            .fetch_add((before - open.len()) as u64, Ordering::Relaxed);
        while open.len() < SLOWLORIS {
            match connect_from(from, proxy) {
                Ok(mut stream) => {
                    let _ = stream.write_all(
                        format!("GET /api/v1/health HTTP/1.1\r\nHost: {proxy}\r\n").as_bytes(),
                    );
                    let _ = stream.set_nonblocking(true);
                    open.push(stream);
                }
                Err(_) => break,
            }
        }
        for stream in &mut open {
            let _ = stream.write_all(format!("X-Slow-{line}: x\r\n").as_bytes());
        }
        line += 1;
        std::thread::sleep(Duration::from_secs(2));
    }
}

/// A SADP responder that answers each probe with junk: random bytes, an oversized datagram, a
/// device at an address that is not the sender's, and one with an overlong field.
fn junk_sadp(stats: Arc<Stats>) -> Result<SocketAddr> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    let addr = socket.local_addr()?;
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        while let Ok((_, from)) = socket.recv_from(&mut buf) {
            let mut noise = |len: usize| -> Vec<u8> {
                (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        seed as u8
                    })
                    .collect()
            };
            let spoofed = protocol::sadp::ProbeMatch {
                serial: Some("SPOOFED".into()),
                mac: Some("44-19-b6-ff-ff-01".into()),
                ipv4: Some(Ipv4Addr::new(127, 0, 0, 200)),
                http_port: Some(80),
                ..protocol::sadp::ProbeMatch::default()
            };
            let overlong = protocol::sadp::ProbeMatch {
                serial: Some("X".repeat(4000)),
                mac: Some("44-19-b6-ff-ff-02".into()),
                ipv4: Some(Ipv4Addr::LOCALHOST),
                ..protocol::sadp::ProbeMatch::default()
            };
            for datagram in [
                noise(300),
                noise(9000),
                spoofed.to_xml().into_bytes(),
                overlong.to_xml().into_bytes(),
            ] {
                if socket.send_to(&datagram, from).is_ok() {
                    stats.junk_sent.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    });
    Ok(addr)
}

/// A "device" whose every answer claims a 100 MB body and streams it until the proxy gives up.
fn endless_device() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.50:0")?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000000\r\n\r\n",
                );
                let chunk = [b'<'; 16 * 1024];
                for _ in 0..6_400 {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok(addr)
}

/// Asks for the endless device's answer a few times a second; each must be refused as too
/// large, never read whole.
fn huge_answers(proxy: SocketAddr, device: SocketAddr, stats: &Stats, stop: &AtomicBool) {
    let from = Ipv4Addr::new(127, 0, 0, 7);
    let headers = [("X-Reset-Wizard", "1"), ("Sec-Fetch-Site", "same-origin")];
    let target = format!(
        "/api/v1/devices/{}/{}{}",
        device.ip(),
        device.port(),
        paths::ACTIVATE_STATUS
    );
    while !stop.load(Ordering::SeqCst) {
        match request(from, proxy, "GET", &target, &headers, None) {
            Ok(answer)
                if answer.status == 502 && answer.body.contains("device_answer_too_large") =>
            {
                stats.huge_refused.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                stats.huge_other.fetch_add(1, Ordering::Relaxed);
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

struct Report<'a> {
    minutes: f64,
    stats: &'a Stats,
    /// Start, middle, end, peak (MB).
    rss: [f64; 4],
    samples: &'a [(u64, f64)],
    idle_target: usize,
}

impl Report<'_> {
    fn section(&self) -> Section {
        let stats = self.stats;
        let mut latencies = stats
            .latencies
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default();
        latencies.sort_unstable();
        let at = |q: f64| -> f64 {
            if latencies.is_empty() {
                return 0.0;
            }
            let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
            f64::from(latencies[i]) / 1000.0
        };
        let lost = stats.lost.lock().map(|l| l.clone()).unwrap_or_default();
        let errors = stats.errors.lock().map(|e| e.clone()).unwrap_or_default();
        let error_total: u64 = errors.values().sum();
        let [start, middle, end, peak] = self.rss;
        let mut md = format!(
            "Written by `cargo xtask bench soak --minutes {}`: the release reset-proxy on loopback \
             for {} min under {SESSIONS} wizard sessions (each from a loopback address of its own) \
             doing whole e-mail resets (discovery, the four reads, QR export, the code from \
             devsim's mailbox, the proof login; one reset at a time per device) against \
             {DEVICES} devsim cameras, plus hostile clients from addresses of their own: \
             up to {} idle connections that never send a byte (reopened as the proxy closes \
             them, at most {IDLE_RATE} new a second, from four addresses), {SLOWLORIS} \
             slowloris connections (one header line every 2 s), junk SADP answers (noise, oversized, spoofed and overlong) \
             to every probe, and a device whose answers claim 100 MB, asked four times a second.\n\n",
            self.minutes, self.minutes, self.idle_target
        );
        md.push_str("| figure | value |\n|---|---|\n");
        let rows = [
            (
                "resets completed (proven by login)",
                stats.resets.load(Ordering::Relaxed).to_string(),
            ),
            ("resets lost", lost.len().to_string()),
            (
                "API requests of the sessions",
                stats.requests.load(Ordering::Relaxed).to_string(),
            ),
            ("unexpected answers", error_total.to_string()),
            (
                "`proxy_busy` answers asked again",
                stats.busy_retries.load(Ordering::Relaxed).to_string(),
            ),
            (
                "latency p50 / p99 / max (ms)",
                format!("{:.1} / {:.1} / {:.1}", at(0.5), at(0.99), at(1.0)),
            ),
            (
                "proxy RSS start / middle / end / peak (MB)",
                format!("{start:.1} / {middle:.1} / {end:.1} / {peak:.1}"),
            ),
            (
                "idle connections opened / closed by the proxy",
                format!(
                    "{} / {}",
                    stats.idle_opened.load(Ordering::Relaxed),
                    stats.idle_closed.load(Ordering::Relaxed)
                ),
            ),
            (
                "junk SADP datagrams sent to the proxy's probes",
                stats.junk_sent.load(Ordering::Relaxed).to_string(),
            ),
            (
                "slowloris connections closed by the proxy",
                stats.slowloris_closed.load(Ordering::Relaxed).to_string(),
            ),
            (
                "endless answers refused as too large / otherwise",
                format!(
                    "{} / {}",
                    stats.huge_refused.load(Ordering::Relaxed),
                    stats.huge_other.load(Ordering::Relaxed)
                ),
            ),
        ];
        for (name, value) in rows {
            md.push_str(&format!("| {name} | {value} |\n"));
        }
        if !errors.is_empty() {
            md.push_str("\nUnexpected answers:\n\n");
            for (what, count) in &errors {
                md.push_str(&format!("- {what}: {count}\n"));
            }
        }
        if !lost.is_empty() {
            md.push_str("\nResets lost (first ten):\n\n");
            for why in lost.iter().take(10) {
                md.push_str(&format!("- {why}\n"));
            }
        }
        md.push_str("\nProxy RSS over time (s: MB): ");
        let shown: Vec<String> = self
            .samples
            .iter()
            .step_by((self.samples.len() / 12).max(1))
            .map(|(s, mb)| format!("{s}: {mb:.1}"))
            .collect();
        md.push_str(&shown.join(", "));
        md.push('\n');

        let mut missed = Vec::new();
        if !lost.is_empty() {
            missed.push(format!("soak: {} resets lost (goal: none)", lost.len()));
        }
        if peak > RSS_GOAL_MB {
            missed.push(format!(
                "soak: the proxy's RSS peaked at {peak:.1} MB (goal ≤ {RSS_GOAL_MB} MB)"
            ));
        }
        if end > middle + FLAT_MB {
            missed.push(format!("soak: the proxy's RSS grew from {middle:.1} MB at the middle to {end:.1} MB at the end (goal: flat)"));
        }
        if stats.resets.load(Ordering::Relaxed) == 0 {
            missed.push("soak: no reset completed".into());
        }
        Section {
            title: TITLE.into(),
            markdown: md,
            missed,
        }
    }
}
