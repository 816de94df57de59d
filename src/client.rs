//! The wizard's side of reset-proxy's API: every device exchange goes through here.
//! Device answers are parsed once, at this edge, into protocol types.

use crate::device_address::DeviceAddress;
use crate::i18n::Msg;
use gloo_net::http::{Request, Response};
use protocol::isapi::{paths, ActivationStatus, ExternCapabilities, SecurityCap};
use protocol::proxy_api::{Discovery, Envelope, Health, ProxyError, API_HEADER};
use protocol::sadp::ProbeMatch;

/// Why an exchange with the proxy or the device did not give a usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The proxy itself did not answer (not running, or the network is down).
    ProxyUnreachable,
    /// The proxy answered with one of its own errors.
    Proxy { code: String, message: String },
    /// The device answered with an HTTP error and no body we understand.
    DeviceStatus { status: u16 },
    /// The device's answer could not be parsed.
    Garbage { detail: String },
}

impl ClientError {
    /// What to tell the person, for a call to the device at `address`.
    pub fn message(&self, address: &str) -> Msg {
        let address = address.to_string();
        match self {
            ClientError::ProxyUnreachable => Msg::ProxyUnreachable,
            ClientError::Proxy { code, message } => match code.as_str() {
                "device_unreachable" => Msg::DeviceUnreachable { address },
                "device_timeout" => Msg::DeviceTimeout { address },
                "device_answer_too_large" => Msg::DeviceAnswerTooLarge,
                "device_bad_answer" => Msg::DeviceGarbage {
                    detail: message.clone(),
                },
                "target_not_allowed" => Msg::TargetNotAllowed,
                "discovery_failed" => Msg::DiscoveryFailed,
                _ => Msg::ProxyRefused {
                    detail: message.clone(),
                },
            },
            ClientError::DeviceStatus { status } => Msg::DeviceStatus { status: *status },
            ClientError::Garbage { detail } => Msg::DeviceGarbage {
                detail: detail.clone(),
            },
        }
    }
}

/// What the wizard learns about a device before choosing how to reset it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceFacts {
    /// Whether it has an admin password at all.
    pub activation: ActivationStatus,
    /// Its password limits and security settings.
    pub security: SecurityCap,
    /// Which reset modes it offers.
    pub modes: ExternCapabilities,
}

const API: &str = "/api/v1";

/// Asks the proxy who it is.
pub async fn health() -> Result<Health, ClientError> {
    let response = get(&format!("{API}/health")).await?;
    json(response).await
}

/// Runs discovery on the proxy's LAN.
pub async fn discover() -> Result<Vec<ProbeMatch>, ClientError> {
    let response = get(&format!("{API}/devices")).await?;
    let found: Discovery = json(response).await?;
    Ok(found.devices)
}

/// Reads activation, security capabilities and reset modes, in that order.
/// A device that is not activated is reported as such without asking further.
pub async fn read_device(address: DeviceAddress) -> Result<DeviceFacts, ClientError> {
    let activation_answer = call(address, paths::ACTIVATE_STATUS).await?;
    let activation = parse_ok(&activation_answer, ActivationStatus::from_xml)?;
    let security_answer = call(
        address,
        &format!("{}?username=admin", paths::SECURITY_CAPABILITIES),
    )
    .await?;
    // Older firmware may not answer this: fall back to the documented default limits.
    let security = parse_ok(&security_answer, SecurityCap::from_xml).unwrap_or_default();
    let modes_answer = call(address, paths::EXTERN_CAPABILITIES).await?;
    // As on the device's own page: when this fails, no reset mode is offered.
    let modes = parse_ok(&modes_answer, ExternCapabilities::from_xml).unwrap_or_default();
    Ok(DeviceFacts {
        activation,
        security,
        modes,
    })
}

/// Forwards one read-only ISAPI call to the device through the proxy and returns its envelope.
async fn call(address: DeviceAddress, path_and_query: &str) -> Result<Envelope, ClientError> {
    send(address, Method::Get, path_and_query, None).await
}

/// The HTTP methods the wizard forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A read.
    Get,
    /// A replacement (the reset itself).
    Put,
    /// A login.
    Post,
}

/// Forwards one ISAPI call, with an optional `(content type, body)`, and returns its envelope.
pub async fn send(
    address: DeviceAddress,
    method: Method,
    path_and_query: &str,
    body: Option<(&str, String)>,
) -> Result<Envelope, ClientError> {
    let url = device_url(address, path_and_query);
    let builder = match method {
        Method::Get => Request::get(&url),
        Method::Put => Request::put(&url),
        Method::Post => Request::post(&url),
    }
    .header(API_HEADER, "1");
    let sent = match body {
        Some((content_type, body)) => {
            builder
                .header("content-type", content_type)
                .body(body)
                .map_err(|_| ClientError::ProxyUnreachable)?
                .send()
                .await
        }
        None => builder.send().await,
    };
    let response = sent.map_err(|_| ClientError::ProxyUnreachable)?;
    json(response).await
}

/// The proxy URL for `path_and_query` (no leading slash) on the device at `address`.
fn device_url(address: DeviceAddress, path_and_query: &str) -> String {
    format!(
        "{API}/devices/{}/{}/{}",
        address.ip,
        address.port,
        path_and_query.trim_start_matches('/')
    )
}

fn parse_ok<T>(
    envelope: &Envelope,
    parse: impl Fn(&str) -> Result<T, protocol::ParseError>,
) -> Result<T, ClientError> {
    if !(200..300).contains(&envelope.status) {
        return Err(ClientError::DeviceStatus {
            status: envelope.status,
        });
    }
    parse(&envelope.body).map_err(|err| ClientError::Garbage {
        detail: err.to_string(),
    })
}

async fn get(url: &str) -> Result<Response, ClientError> {
    Request::get(url)
        .header(API_HEADER, "1")
        .send()
        .await
        .map_err(|_| ClientError::ProxyUnreachable)
}

async fn json<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    let ok = response.ok();
    let text = response
        .text()
        .await
        .map_err(|_| ClientError::ProxyUnreachable)?;
    if ok {
        return serde_json::from_str(&text).map_err(|err| ClientError::Garbage {
            detail: err.to_string(),
        });
    }
    match serde_json::from_str::<ProxyError>(&text) {
        Ok(refusal) => Err(ClientError::Proxy {
            code: refusal.error.code,
            message: refusal.error.message,
        }),
        // Something other than our proxy answered (an old version, another server).
        Err(_) => Err(ClientError::ProxyUnreachable),
    }
}
