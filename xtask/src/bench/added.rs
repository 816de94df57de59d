//! The time reset-proxy adds to one device call: the same read, one at a time, straight to the
//! device and through the proxy, alternating in rounds, on loopback; bounded request counts.

use super::net::{self, WIZARD_HEADERS};
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The read every request makes (allow-listed, no rate limit, no login, changes nothing).
pub const DEVICE_PATH: &str = "/SDK/activateStatus";
/// Unmeasured requests on each path first (connections opened, caches warm).
const WARM_UP: usize = 200;
/// Alternating rounds, each this many requests on each path.
const ROUNDS: usize = 5;
const PER_ROUND: usize = 400;

/// The 50th and 99th percentile of one path's latencies, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Direct and proxied latencies of the same read.
#[derive(Debug, Clone, Copy)]
pub struct Added {
    pub direct: Percentiles,
    pub proxied: Percentiles,
}

impl Added {
    /// What the proxy adds at the median.
    pub fn p50_ms(&self) -> f64 {
        self.proxied.p50_ms - self.direct.p50_ms
    }

    /// What the proxy adds at the 99th percentile.
    pub fn p99_ms(&self) -> f64 {
        self.proxied.p99_ms - self.direct.p99_ms
    }
}

/// How the figures were made, for the reports.
pub fn method() -> String {
    format!(
        "one request at a time on a kept-alive connection, {ROUNDS} alternating rounds of \
         {PER_ROUND} `GET {DEVICE_PATH}` straight to the device and {PER_ROUND} through the \
         proxy (as `/api/v1/devices/127.0.0.1/<port>{DEVICE_PATH}` with the wizard's headers \
         and a session cookie, answered in the JSON envelope), after {WARM_UP} unmeasured \
         requests on each path; the added time is the proxied percentile minus the direct one"
    )
}

/// Measures the same read straight to `device` and through the reset-proxy at `proxy`, which
/// must be allowed to reach `device`.
pub fn measure(proxy: SocketAddr, device: SocketAddr) -> Result<Added> {
    let agent = net::client();
    let cookie = session_cookie(&agent, proxy)?;
    let direct_url = format!("http://{device}{DEVICE_PATH}");
    let proxied_url = format!(
        "http://{proxy}/api/v1/devices/{}/{}{DEVICE_PATH}",
        device.ip(),
        device.port()
    );
    let direct = || -> Result<Duration> {
        let start = Instant::now();
        let mut answer = agent
            .get(&direct_url)
            .call()
            .context("reading the device")?;
        let body = answer.body_mut().read_to_string()?;
        let took = start.elapsed();
        if answer.status() != 200 || body.is_empty() {
            bail!("the device answered {} {body}", answer.status());
        }
        Ok(took)
    };
    let proxied = || -> Result<Duration> {
        let start = Instant::now();
        let mut request = agent.get(&proxied_url).header("Cookie", &cookie);
        for (name, value) in WIZARD_HEADERS {
            request = request.header(name, value);
        }
        let mut answer = request.call().context("reading through reset-proxy")?;
        let body = answer.body_mut().read_to_string()?;
        let took = start.elapsed();
        // The envelope carries the device's own status; only a 200 inside a 200 counts.
        let envelope: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if answer.status() != 200 || envelope["status"] != 200 {
            bail!("reset-proxy answered {} {body}", answer.status());
        }
        Ok(took)
    };
    for _ in 0..WARM_UP {
        direct()?;
        proxied()?;
    }
    let (mut straight, mut through) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for _ in 0..PER_ROUND {
            straight.push(direct()?);
        }
        for _ in 0..PER_ROUND {
            through.push(proxied()?);
        }
    }
    Ok(Added {
        direct: percentiles(&mut straight),
        proxied: percentiles(&mut through),
    })
}

/// The session cookie the proxy gives a wizard page, so every request resumes one session.
pub fn session_cookie(agent: &ureq::Agent, proxy: SocketAddr) -> Result<String> {
    let mut request = agent.get(format!("http://{proxy}/api/v1/health"));
    for (name, value) in WIZARD_HEADERS {
        request = request.header(name, value);
    }
    let answer = request.call().context("asking reset-proxy for a session")?;
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("reset_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .context("reset-proxy set no reset_session cookie")
}

/// Nearest-rank percentiles of `samples` (sorted in place).
fn percentiles(samples: &mut [Duration]) -> Percentiles {
    samples.sort_unstable();
    let at = |p: f64| -> f64 {
        if samples.is_empty() {
            return f64::NAN;
        }
        let rank = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
        samples[rank - 1].as_secs_f64() * 1000.0
    };
    Percentiles {
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let p = percentiles(&mut samples);
        assert_eq!(p.p50_ms, 50.0);
        assert_eq!(p.p99_ms, 99.0);
    }
}
