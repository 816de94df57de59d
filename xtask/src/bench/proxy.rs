//! wrk through reset-proxy beside wrk through nginx (`bench/nginx.conf`: proxy_pass with
//! upstream keep-alive), both to the same devsim, alternating in the same run, on loopback, on
//! an allow-listed read (`GET /SDK/activateStatus`) with the headers a wizard page sends; then
//! the time the proxy adds to one call, beside the same read straight to devsim.

use super::net::{self, Running, WIZARD_HEADERS};
use super::{Bench, Section};
use crate::{shell, tools};
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::added::{self, DEVICE_PATH};
/// wrk's threads and open connections: under the proxy's 32 device calls in flight.
const THREADS: u32 = 2;
const CONNECTIONS: u32 = 16;
/// Seconds of each measured wrk run, and of the unmeasured warm-up before them.
const SECONDS: u32 = 10;
const WARM_UP_SECONDS: u32 = 2;
/// Alternating rounds (proxy, then nginx) whose figures are averaged.
const ROUNDS: usize = 2;
/// The goals: at least nginx's requests per second, a p99 at most 1.2 × nginx's.
const RPS_GOAL: f64 = 1.0;
const P99_GOAL: f64 = 1.2;
/// The goal for what the proxy adds to one device call at the 99th percentile, in ms.
pub const ADDED_P99_GOAL_MS: f64 = 1.0;

/// One wrk run's figures.
#[derive(Clone, Copy)]
struct Wrk {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

pub fn run(bench: &mut Bench) -> Result<Section> {
    let nginx = tools::ensure_debian_tool("nginx", "nginx")?;
    let wrk = tools::ensure_debian_tool("wrk", "wrk")?;
    let template = bench.root().join("bench").join("nginx.conf");
    let servers = bench.servers()?;
    let scratch = Scratch::new("proxy")?;

    let device: SocketAddr = format!("127.0.0.1:{}", net::free_port()?).parse()?;
    let _devsim = spawn(
        Command::new(&servers.devsim).args(["--http", &device.to_string()]),
        &scratch.0.join("devsim.log"),
    )?;
    net::wait_for_port(device, Duration::from_secs(15), "devsim")?;

    let proxy: SocketAddr = format!("127.0.0.1:{}", net::free_port()?).parse()?;
    let _proxy = spawn(
        Command::new(&servers.proxy)
            .args(["--listen", &proxy.to_string(), "--allow-loopback-devices"])
            // Discovery is not used here; its probes could only go to loopback anyway.
            .args(["--sadp-target", "127.0.0.1:9"]),
        &scratch.0.join("reset-proxy.log"),
    )?;
    net::wait_for_port(proxy, Duration::from_secs(15), "reset-proxy")?;

    let peer: SocketAddr = format!("127.0.0.1:{}", net::free_port()?).parse()?;
    let config = write_nginx_conf(&template, &scratch.0, peer, device)?;
    let _nginx = spawn(
        Command::new(&nginx)
            .arg("-p")
            .arg(&scratch.0)
            .arg("-e")
            .arg(scratch.0.join("error.log"))
            .arg("-c")
            .arg(&config),
        &scratch.0.join("nginx.out"),
    )?;
    net::wait_for_port(peer, Duration::from_secs(15), "nginx")?;

    let cookie = added::session_cookie(&net::client(), proxy)?;
    let through_proxy = format!(
        "http://{proxy}/api/v1/devices/127.0.0.1/{}{DEVICE_PATH}",
        device.port()
    );
    let through_nginx = format!("http://{peer}{DEVICE_PATH}");
    check_answers(&through_proxy, &through_nginx, &cookie)?;
    let headers: Vec<String> = WIZARD_HEADERS
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .chain([format!("Cookie: {cookie}")])
        .collect();

    let wrk_run = |url: &str, seconds: u32| wrk_once(&wrk, url, &headers, seconds);
    wrk_run(&through_proxy, WARM_UP_SECONDS)?;
    wrk_run(&through_nginx, WARM_UP_SECONDS)?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours.push(wrk_run(&through_proxy, SECONDS)?);
        theirs.push(wrk_run(&through_nginx, SECONDS)?);
    }
    let (ours, theirs) = (average(&ours), average(&theirs));
    // One call at a time, as a person's wizard makes them: what the proxy adds to each.
    let one_by_one = added::measure(proxy, device)?;
    let rps_ratio = ours.rps / theirs.rps;
    let p50_ratio = ours.p50_ms / theirs.p50_ms;
    let p99_ratio = ours.p99_ms / theirs.p99_ms;
    let mut missed = Vec::new();
    if rps_ratio < RPS_GOAL {
        missed.push(format!(
            "proxy: reset-proxy serves {rps_ratio:.2}× nginx's requests per second (goal ≥ {RPS_GOAL:.1}×)"
        ));
    }
    if p99_ratio > P99_GOAL {
        missed.push(format!(
            "proxy: reset-proxy's p99 latency is {p99_ratio:.2}× nginx's (goal ≤ {P99_GOAL:.1}×)"
        ));
    }
    let errors = ours.errors + theirs.errors;
    if errors > 0 {
        missed.push(format!(
            "proxy: {} non-2xx answers or socket errors through reset-proxy, {} through nginx",
            ours.errors, theirs.errors
        ));
    }
    if one_by_one.p99_ms() > ADDED_P99_GOAL_MS {
        missed.push(format!(
            "proxy: reset-proxy adds {:.2} ms to a device call at the p99 (goal ≤ {ADDED_P99_GOAL_MS:.1} ms)",
            one_by_one.p99_ms()
        ));
    }
    let mut markdown = format!(
        "wrk 4.1 (`-t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --latency`), {ROUNDS} alternating \
         rounds each after a {WARM_UP_SECONDS} s warm-up of each, averaged; both to the same \
         devsim (release build) on loopback, reading `GET {DEVICE_PATH}` (allow-listed; \
         through the proxy as `/api/v1/devices/127.0.0.1/<port>{DEVICE_PATH}` with \
         `X-Reset-Wizard`, `Sec-Fetch-Site: same-origin` and a session cookie, answered in the \
         JSON envelope). reset-proxy is the release build as shipped (opt-level \"z\", LTO) with \
         its default request log; nginx 1.22 uses `bench/nginx.conf` (proxy_pass, upstream \
         keepalive 32, `worker_processes auto`, access log on). Both keep connections to \
         devsim alive.\n\n\
         | through | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n\
         | reset-proxy | {:.0} | {:.2} | {:.2} | {} |\n\
         | nginx | {:.0} | {:.2} | {:.2} | {} |\n\
         | **ratio proxy / nginx** | **{rps_ratio:.2}×** (goal ≥ {RPS_GOAL:.1}×) | {p50_ratio:.2}× | **{p99_ratio:.2}×** (goal ≤ {P99_GOAL:.1}×) | |\n",
        ours.rps, ours.p50_ms, ours.p99_ms, ours.errors,
        theirs.rps, theirs.p50_ms, theirs.p99_ms, theirs.errors,
    );
    markdown.push_str(&added_table(&one_by_one));
    if missed.is_empty() {
        markdown.push_str("\nEvery goal met.\n");
    }
    Ok(Section {
        title: "Proxy (wrk through reset-proxy vs through nginx)".into(),
        markdown,
        missed,
    })
}

/// What the proxy adds to one device call, straight to devsim beside through reset-proxy.
fn added_table(added: &added::Added) -> String {
    format!(
        "\n### Added time per forwarded call\n\n\
         The same devsim and reset-proxy, {}.\n\n\
         | read | p50 ms | p99 ms |\n|---|---:|---:|\n\
         | straight to devsim | {:.3} | {:.3} |\n\
         | through reset-proxy | {:.3} | {:.3} |\n\
         | **added by the proxy** | **{:.3}** | **{:.3}** (goal ≤ {ADDED_P99_GOAL_MS:.1} ms) |\n",
        added::method(),
        added.direct.p50_ms,
        added.direct.p99_ms,
        added.proxied.p50_ms,
        added.proxied.p99_ms,
        added.p50_ms(),
        added.p99_ms(),
    )
}

/// A folder for this part's configs and logs, removed afterwards.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(part: &str) -> Result<Self> {
        let dir =
            std::env::temp_dir().join(format!("reset-wizard-bench-{part}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts `cmd` with its output in `log`; stopped when the result is dropped.
pub fn spawn(cmd: &mut Command, log: &Path) -> Result<Running> {
    let out = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
        .with_context(|| format!("starting {}", cmd.get_program().to_string_lossy()))?;
    Ok(Running(child))
}

/// Fills the committed template's ports and folder into `dir/nginx.conf`.
fn write_nginx_conf(
    template: &Path,
    dir: &Path,
    listen: SocketAddr,
    device: SocketAddr,
) -> Result<PathBuf> {
    let text = std::fs::read_to_string(template)
        .with_context(|| format!("reading {}", template.display()))?;
    let filled = text
        .replace("{{PREFIX}}", &dir.to_string_lossy())
        .replace("{{LISTEN}}", &listen.to_string())
        .replace("{{DEVICE}}", &device.to_string());
    let path = dir.join("nginx.conf");
    std::fs::write(&path, filled)?;
    Ok(path)
}

/// Both paths answer the device's 200 before anything is timed.
fn check_answers(through_proxy: &str, through_nginx: &str, cookie: &str) -> Result<()> {
    let mut request = net::client().get(through_proxy).header("Cookie", cookie);
    for (name, value) in WIZARD_HEADERS {
        request = request.header(name, value);
    }
    let mut answer = request.call().context("reading through reset-proxy")?;
    let body = answer.body_mut().read_to_string()?;
    let envelope: serde_json::Value =
        serde_json::from_str(&body).with_context(|| format!("reset-proxy answered {body:?}"))?;
    if answer.status() != 200 || envelope["status"] != 200 {
        bail!("reset-proxy answered {} {body}", answer.status());
    }
    let answer = net::client()
        .get(through_nginx)
        .call()
        .context("reading through nginx")?;
    if answer.status() != 200 {
        bail!("nginx answered {}", answer.status());
    }
    Ok(())
}

fn wrk_once(wrk: &Path, url: &str, headers: &[String], seconds: u32) -> Result<Wrk> {
    let mut cmd = Command::new(wrk);
    cmd.args([
        format!("-t{THREADS}"),
        format!("-c{CONNECTIONS}"),
        format!("-d{seconds}s"),
        "--timeout".into(),
        "5s".into(),
        "--latency".into(),
    ]);
    for header in headers {
        cmd.arg("-H").arg(header);
    }
    cmd.arg(url);
    let out = shell::run_tee(&mut cmd)?;
    parse_wrk(&out).with_context(|| format!("reading wrk's output:\n{out}"))
}

/// Requests/sec, the 50 % and 99 % latencies, and errors from wrk's `--latency` report.
fn parse_wrk(out: &str) -> Result<Wrk> {
    let field = |prefix: &str| {
        out.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
    };
    let rps: f64 = field("Requests/sec:").context("no Requests/sec")?.parse()?;
    let p50 = duration_ms(field("50%").context("no 50% latency")?)?;
    let p99 = duration_ms(field("99%").context("no 99% latency")?)?;
    let non_2xx: u64 = field("Non-2xx or 3xx responses:")
        .map(str::parse)
        .transpose()?
        .unwrap_or(0);
    let socket_errors: u64 = field("Socket errors:")
        .map(|l| {
            l.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Ok(Wrk {
        rps,
        p50_ms: p50,
        p99_ms: p99,
        errors: non_2xx + socket_errors,
    })
}

/// wrk's `1.23ms`, `456.00us` or `1.01s` in milliseconds.
fn duration_ms(text: &str) -> Result<f64> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .context("a duration without a unit")?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse()?;
    Ok(match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        other => bail!("unknown unit {other}"),
    })
}

fn average(runs: &[Wrk]) -> Wrk {
    let n = runs.len().max(1) as f64;
    Wrk {
        rps: runs.iter().map(|r| r.rps).sum::<f64>() / n,
        p50_ms: runs.iter().map(|r| r.p50_ms).sum::<f64>() / n,
        p99_ms: runs.iter().map(|r| r.p99_ms).sum::<f64>() / n,
        errors: runs.iter().map(|r| r.errors).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Running 10s test @ http://127.0.0.1:1/x
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms  300.00us   9.00ms   90.00%
  Latency Distribution
     50%  812.00us
     75%    1.20ms
     90%    1.90ms
     99%    4.50ms
  100000 requests in 10.00s, 20.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  10000.50
Transfer/sec:      2.00MB
";

    #[test]
    fn wrk_reports_are_read() {
        let wrk = parse_wrk(SAMPLE).expect("parses");
        assert_eq!(wrk.rps, 10000.5);
        assert_eq!(wrk.p50_ms, 0.812);
        assert_eq!(wrk.p99_ms, 4.5);
        assert_eq!(wrk.errors, 7);
    }

    #[test]
    fn durations_keep_their_unit() {
        assert_eq!(duration_ms("1.01s").expect("s"), 1010.0);
        assert!(duration_ms("12").is_err());
    }
}
