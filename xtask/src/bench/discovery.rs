//! Time until the first and until all of 50 simulated devices are listed by the proxy's
//! discovery API: a devsim fleet on 127.0.0.10 and up answering SADP on loopback, and a fresh
//! reset-proxy per run whose probes go only to that loopback socket.

use super::net::{self, WIZARD_HEADERS};
use super::proxy::{spawn, Scratch};
use super::{Bench, Section};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Devices in the fleet.
const DEVICES: usize = 50;
/// Fresh proxies (empty caches) timed; the median is reported.
const RUNS: usize = 5;
/// The goal: every device listed within this.
const GOAL: Duration = Duration::from_millis(1500);
/// The goal for the first device: a person sees something happen at once.
const FIRST_GOAL: Duration = Duration::from_millis(300);
/// How long one run keeps asking before it gives up.
const LIMIT: Duration = Duration::from_secs(6);

pub fn run(bench: &mut Bench) -> Result<Section> {
    let servers = bench.servers()?;
    let scratch = Scratch::new("discovery")?;
    let sadp: SocketAddr = format!("127.0.0.1:{}", free_udp_port()?).parse()?;
    let mut fleet = net::Running(
        Command::new(&servers.devsim)
            .args(["--count", &DEVICES.to_string(), "--http", "127.0.0.1:0"])
            .args(["--sadp", &sadp.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the devsim fleet")?,
    );
    wait_for_sadp(&mut fleet)?;

    let (mut firsts, mut alls) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let listen: SocketAddr = format!("127.0.0.1:{}", net::free_port()?).parse()?;
        let _proxy = spawn(
            Command::new(&servers.proxy)
                .args(["--listen", &listen.to_string()])
                .args(["--sadp-target", &sadp.to_string()]),
            &scratch.0.join(format!("reset-proxy-{run}.log")),
        )?;
        net::wait_for_port(listen, Duration::from_secs(15), "reset-proxy")?;
        let (first, all) = time_listing(listen)?;
        firsts.push(first);
        alls.push(all);
    }
    let first = median(firsts.iter().flatten().copied().collect());
    let all_runs = alls.iter().filter(|a| a.is_some()).count();
    let all = median(alls.iter().flatten().copied().collect());
    let mut missed = Vec::new();
    match all {
        Some(all) if all_runs == RUNS && all <= GOAL => {}
        Some(all) if all_runs == RUNS => missed.push(format!(
            "discovery: all {DEVICES} devices were listed after {} ms, over the {} ms goal",
            all.as_millis(),
            GOAL.as_millis()
        )),
        _ => missed.push(format!(
            "discovery: in {} of {RUNS} runs not all {DEVICES} devices were listed within {} s",
            RUNS - all_runs,
            LIMIT.as_secs()
        )),
    }
    if let Some(first) = first.filter(|first| *first > FIRST_GOAL) {
        missed.push(format!(
            "discovery: the first device was listed after {} ms, over the {} ms goal",
            first.as_millis(),
            FIRST_GOAL.as_millis()
        ));
    }
    let ms = |d: Option<Duration>| d.map_or("never".to_string(), |d| d.as_millis().to_string());
    let markdown = format!(
        "{DEVICES} devsim devices (release build) on 127.0.0.10 and up, answering SADP from one \
         loopback UDP socket; a fresh reset-proxy per run (empty cache) with its probes sent \
         only there. The clock starts at the first `GET /api/v1/devices`; the client asks \
         as the wizard does, with `after` set to the count it has, so each answer comes as soon \
         as the list grows, until the list holds every device. Median of {RUNS} runs.\n\n\
         | figure | ms | goal |\n|---|---:|---|\n\
         | first device listed | **{}** | ≤ {} ms |\n\
         | all {DEVICES} devices listed | **{}** | ≤ {} ms |\n\n\
         Per run (first / all, ms): {}.\n",
        ms(first),
        FIRST_GOAL.as_millis(),
        ms(all),
        GOAL.as_millis(),
        firsts
            .iter()
            .zip(&alls)
            .map(|(f, a)| format!("{}/{}", ms(*f), ms(*a)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    Ok(Section {
        title: format!("Discovery ({DEVICES} simulated devices)"),
        markdown,
        missed,
    })
}

/// Asks the proxy for its devices until all are listed; when the first and all showed up.
fn time_listing(proxy: SocketAddr) -> Result<(Option<Duration>, Option<Duration>)> {
    let client = net::client();
    let start = Instant::now();
    let mut first = None;
    let mut shown = 0;
    // As the wizard asks: with the count it shows, so each answer comes as soon as the list
    // grows (bounded: at most one round per device, plus the one that sees the scan end).
    for _ in 0..=DEVICES {
        if start.elapsed() >= LIMIT {
            break;
        }
        let mut request = client.get(format!("http://{proxy}/api/v1/devices?after={shown}"));
        for (name, value) in WIZARD_HEADERS {
            request = request.header(name, value);
        }
        let mut answer = request.call().context("asking reset-proxy for devices")?;
        let body = answer.body_mut().read_to_string()?;
        if answer.status() != 200 {
            bail!("reset-proxy answered {}: {body}", answer.status());
        }
        let list: serde_json::Value = serde_json::from_str(&body)?;
        let count = list["devices"].as_array().map_or(0, Vec::len);
        let now = start.elapsed();
        if count > 0 && first.is_none() {
            first = Some(now);
        }
        if count >= DEVICES {
            return Ok((first, Some(now)));
        }
        if list["scanning"] != serde_json::Value::Bool(true) {
            break;
        }
        shown = count;
    }
    Ok((first, None))
}

/// Reads the fleet's start-up lines until it says where SADP listens (bounded).
fn wait_for_sadp(fleet: &mut net::Running) -> Result<()> {
    let stdout = fleet.0.stdout.take().context("the fleet's output")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("SADP on") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(30))
        .context("the devsim fleet did not start SADP within 30 s")
}

fn free_udp_port() -> Result<u16> {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").context("finding a free UDP port")?;
    Ok(socket.local_addr()?.port())
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    values.sort();
    values.get(values.len() / 2).copied()
}
