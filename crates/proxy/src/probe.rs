//! The read-only field check of one device (`reset-proxy probe ADDRESS`, `GET /api/v1/probe/..`):
//! the five capability reads of `protocol::probe`, each answer assessed and redacted for a report.
//!
//! Only `GET`s that the device answers without a login are sent; nothing is exported, logged in
//! to or written. The device is spoken to as the proxy speaks to it: HTTP first, HTTPS once it
//! redirects there on its own address (self-signed certificate accepted, pinned for the run),
//! every exchange bounded in time and size.

use crate::config::Config;
use crate::error::ApiError;
use crate::forward::{self, DeviceAnswer, DeviceClient, DeviceRequest, Transport};
use crate::targets::TargetPolicy;
use axum::http::Method;
use hyper::body::Bytes;
use protocol::probe::{Assessment, ProbeCall, ProbeReport, ProbeStep};
use protocol::profile::DeviceProfile;
use protocol::transcript::{RawExchange, Redactor};
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

/// The port devices answer ISAPI on when none is given.
const DEFAULT_DEVICE_PORT: u16 = 80;

/// Who made a report: this program and its version.
pub fn made_by() -> String {
    format!("reset-proxy {}", env!("CARGO_PKG_VERSION"))
}

/// Reads `ADDRESS[:PORT]` as typed on the command line: `192.168.1.64`, `192.168.1.64:8000`,
/// `fd00::5`, `[fd00::5]:8000` (also pasted as `http://192.168.1.64/`). Names are refused: like
/// the proxy, the probe connects only to the address it checked.
pub fn parse_address(text: &str) -> Result<SocketAddr, ApiError> {
    let trimmed = text.trim();
    let trimmed = ["http://", "https://"]
        .iter()
        .find_map(|scheme| trimmed.strip_prefix(scheme))
        .unwrap_or(trimmed)
        .trim_end_matches('/');
    let bare = trimmed.trim_start_matches('[').trim_end_matches(']');
    let addr = match trimmed.parse::<SocketAddr>() {
        Ok(addr) => Some(addr),
        Err(_) => bare
            .parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, DEFAULT_DEVICE_PORT)),
    };
    addr.filter(|a| a.port() != 0).ok_or_else(|| {
        ApiError::TargetNotAllowed(format!(
            "{text:?} is not an IP address with an optional :PORT (e.g. 192.168.1.64:80)"
        ))
    })
}

/// The address policy the command line applies: the proxy's own, from the same flags
/// (`--allow-devices`, `--allow-loopback-devices`). There is no proxy listening to protect.
pub fn cli_targets(config: &Config) -> TargetPolicy {
    TargetPolicy {
        extra_ranges: config.allowed_device_ranges.clone(),
        exact: config.extra_devices.clone(),
        allow_loopback: config.allow_loopback_devices,
        own: Vec::new(),
        own_addresses: crate::targets::OwnAddresses::system(),
    }
}

/// `reset-proxy probe ADDRESS`: checks the address as the proxy would, then probes it.
pub async fn probe_address(config: &Config, address: &str) -> Result<ProbeReport, ApiError> {
    let targets = cli_targets(config);
    let device = parse_address(address)?;
    targets.check_addr(device)?;
    let client = DeviceClient::new(
        config.connect_timeout,
        config.request_timeout,
        config.max_body,
    )
    .map_err(|err| ApiError::TlsFailed(err.to_string()))?;
    Ok(run(&client, &targets, &config.device_profile, device, |_| {}).await)
}

/// Makes the probe's calls to `device` (already checked against `targets`) in order, and reports
/// on each. `observe` sees every exchange as it happened (the proxy records them in the session's
/// transcript). Never fails: a device that cannot be reached gives a report saying so.
pub async fn run(
    client: &DeviceClient,
    targets: &TargetPolicy,
    profile: &DeviceProfile,
    device: SocketAddr,
    mut observe: impl FnMut(&RawExchange<'_>),
) -> ProbeReport {
    let mut link = Link {
        client,
        targets,
        device,
        https_port: (device.port() == 443).then_some(443),
        pinned: None,
    };
    let mut redactor = Redactor::new(profile, 1);
    let mut calls = Vec::with_capacity(ProbeStep::ALL.len());
    // A device that accepts no connection would only make every later call wait as long.
    let mut unreachable = false;
    for step in ProbeStep::ALL {
        if unreachable {
            calls.push(ProbeCall::failed(
                step,
                "not tried: nothing accepted a connection at this address".to_owned(),
            ));
            continue;
        }
        let path = step.path_and_query();
        let (answer, transport, redirected) = match link.get(&path).await {
            Ok(got) => got,
            Err(err) => {
                unreachable = matches!(err, ApiError::Unreachable(_));
                calls.push(ProbeCall::failed(step, err.to_string()));
                continue;
            }
        };
        let raw = RawExchange {
            method: ProbeStep::METHOD,
            path_and_query: &path,
            request_content_type: None,
            request_body: &[],
            authorization: None,
            status: answer.status,
            content_type: answer.content_type.as_deref(),
            response_body: &answer.body,
            set_cookies: &answer.set_cookies,
        };
        observe(&raw);
        let redacted = redactor.redact(&raw);
        let mut assessment =
            Assessment::of(step, answer.status, &String::from_utf8_lossy(&answer.body));
        if let Some(port) = redirected {
            assessment.notes.insert(
                0,
                format!("the device redirected HTTP to HTTPS on port {port}; the probe followed"),
            );
        }
        let assessment = assessment.map_text(|text| redactor.sweep(text));
        calls.push(ProbeCall::answered(
            step,
            transport,
            answer.status,
            answer.content_type.clone(),
            assessment,
            redacted.response_body,
        ));
    }
    ProbeReport::new(made_by(), device.to_string(), calls)
}

/// How the probe reaches one device: HTTP until it asks for HTTPS, then HTTPS with the first
/// certificate it showed pinned.
struct Link<'a> {
    client: &'a DeviceClient,
    targets: &'a TargetPolicy,
    device: SocketAddr,
    https_port: Option<u16>,
    pinned: Option<[u8; 32]>,
}

impl Link<'_> {
    /// One `GET`; the answer, `http` or `https`, and the HTTPS port when this call was redirected.
    async fn get(
        &mut self,
        path_and_query: &str,
    ) -> Result<(DeviceAnswer, &'static str, Option<u16>), ApiError> {
        if let Some(port) = self.https_port {
            return Ok((self.https(port, path_and_query).await?, "https", None));
        }
        let answer = self
            .client
            .exchange(self.device, Transport::Http, request(path_and_query), true)
            .await?;
        match forward::https_redirect(self.device, &answer) {
            Some(port) => {
                self.targets
                    .check_addr(SocketAddr::new(self.device.ip(), port))?;
                self.https_port = Some(port);
                let answer = self.https(port, path_and_query).await?;
                Ok((answer, "https", Some(port)))
            }
            None => Ok((answer, "http", None)),
        }
    }

    async fn https(&mut self, port: u16, path_and_query: &str) -> Result<DeviceAnswer, ApiError> {
        let answer = self
            .client
            .exchange(
                SocketAddr::new(self.device.ip(), port),
                Transport::Https {
                    pinned: self.pinned,
                },
                request(path_and_query),
                // Every probe call is a read that changes nothing: safe to ask again.
                true,
            )
            .await?;
        if self.pinned.is_none() {
            self.pinned = answer.certificate;
        }
        Ok(answer)
    }
}

/// A bare `GET`: no body, no cookie, no authorization.
fn request(path_and_query: &str) -> DeviceRequest {
    DeviceRequest {
        method: Method::GET,
        path_and_query: path_and_query.to_owned(),
        content_type: None,
        body: Bytes::new(),
        cookie: None,
        authorization: None,
    }
}

/// The report as plain text for a terminal or a bug report.
pub fn render_text(report: &ProbeReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} probe of {}", report.made_by, report.device);
    let _ = writeln!(out, "{}", report.note);
    if !report.reachable {
        let _ = writeln!(
            out,
            "The device could not be reached: no call got an answer."
        );
    }
    for (n, call) in report.calls.iter().enumerate() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}. {} {} ({})",
            n + 1,
            call.method,
            call.path,
            call.step.title()
        );
        match (call.status, &call.failure) {
            (Some(status), _) => {
                let _ = writeln!(
                    out,
                    "   answer: HTTP {status} over {}, {}",
                    call.transport.as_deref().unwrap_or("?"),
                    call.content_type.as_deref().unwrap_or("no content type")
                );
            }
            (None, Some(failure)) => {
                let _ = writeln!(out, "   no answer: {failure}");
                continue;
            }
            (None, None) => {
                let _ = writeln!(out, "   no answer");
                continue;
            }
        }
        let a = &call.assessment;
        match &a.parse_error {
            None if a.parsed => {
                let _ = writeln!(out, "   parsed: yes");
            }
            Some(err) => {
                let _ = writeln!(out, "   parsed: no ({err})");
            }
            None => {
                let _ = writeln!(out, "   parsed: no");
            }
        }
        let _ = writeln!(out, "   found: {}", list(&a.found));
        let _ = writeln!(out, "   missing: {}", list(&a.missing));
        if !a.other_fields.is_empty() {
            let _ = writeln!(out, "   other fields: {}", list(&a.other_fields));
        }
        for note in &a.notes {
            let _ = writeln!(out, "   note: {note}");
        }
        if call.body.trim().is_empty() {
            let _ = writeln!(out, "   body: (empty)");
        } else {
            let _ = writeln!(out, "   body (secrets replaced by placeholders):");
            for line in call.body.trim_end().lines() {
                let _ = writeln!(out, "     {line}");
            }
        }
    }
    out
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_ip_literals_with_an_optional_port() {
        let ok = |text: &str| parse_address(text).map(|a| a.to_string()).ok();
        assert_eq!(ok("192.168.1.64").as_deref(), Some("192.168.1.64:80"));
        assert_eq!(
            ok(" 192.168.1.64:8000 ").as_deref(),
            Some("192.168.1.64:8000")
        );
        assert_eq!(
            ok("http://192.168.1.64/").as_deref(),
            Some("192.168.1.64:80")
        );
        assert_eq!(ok("fd00::5").as_deref(), Some("[fd00::5]:80"));
        assert_eq!(ok("[fd00::5]").as_deref(), Some("[fd00::5]:80"));
        assert_eq!(ok("[fd00::5]:8000").as_deref(), Some("[fd00::5]:8000"));
        for bad in [
            "camera.local",
            "192.168.1.64:http",
            "",
            "192.168.1.64:99999",
            "192.168.1.64:0",
        ] {
            assert!(parse_address(bad).is_err(), "{bad}");
        }
    }
}
