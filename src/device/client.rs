//! The wizard's side of reset-proxy's API: every device exchange goes through here.
//! Device answers are parsed once, at this edge, into protocol types.

use crate::device::address::DeviceAddress;
use gloo_net::http::{Request, Response};

use super::helper_link;
use crate::embed::Helper;
pub use helper_link::adopt_pairing_secret;
use protocol::isapi::{paths, ActivationStatus, ExternCapabilities, ResponseStatus, SecurityCap};
use protocol::proxy_api::{
    helper_fit, DemoMailbox, DeviceTransport, Discovery, Envelope, ErrorCode, Health, HelperFit,
    ProxyError,
};
use std::cell::RefCell;
use std::collections::HashMap;

/// Why an exchange with the proxy or the device did not give a usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The proxy itself did not answer (not running, or the network is down).
    ProxyUnreachable,
    /// The proxy answered with one of its own errors (`retry_after` in seconds, for 429).
    Proxy {
        code: ErrorCode,
        message: String,
        retry_after: Option<u64>,
    },
    /// The device answered with an HTTP error and no body we understand.
    DeviceStatus { status: u16 },
    /// The device is still starting up (it kept answering 403 "Invalid Operation").
    Booting,
    /// The device's answer could not be parsed.
    Garbage { detail: String },
}

impl ClientError {
    /// Whether the request may have reached the device and only its answer was lost (the
    /// connection dropped, a stall, an answer too large): whether it acted, only a later look
    /// at the device can tell.
    pub fn answer_may_be_lost(&self) -> bool {
        matches!(
            self,
            ClientError::Proxy {
                code: ErrorCode::DeviceBadAnswer
                    | ErrorCode::DeviceTimeout
                    | ErrorCode::DeviceAnswerTooLarge,
                ..
            }
        )
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

/// The device profile the helper runs with (what its operator corrected after a capture).
pub async fn device_profile() -> Result<protocol::profile::DeviceProfile, ClientError> {
    let response = get(&format!("{API}/device-profile")).await?;
    json(response).await
}

/// Asks `helper` who it is and, when it answers with an API this wizard speaks
/// ([`protocol::proxy_api::helper_fit`]), sends every later call there; the caller tells the
/// person about a helper that answered but does not fit.
pub async fn connect(helper: &Helper) -> Result<Health, ClientError> {
    let previous = helper_link::current();
    helper_link::set(helper);
    let answer = health().await;
    let fits = matches!(&answer, Ok(h) if helper_fit(h.api) == HelperFit::Fits);
    if !fits {
        helper_link::restore(previous);
    }
    answer
}

/// The demo mailbox: the code the simulated device's vendor would have e-mailed (demo only).
pub async fn demo_mailbox() -> Result<Option<String>, ClientError> {
    let response = get(&format!("{API}/demo/mailbox")).await?;
    let mailbox: DemoMailbox = json(response).await?;
    Ok(mailbox.code)
}

/// This session's device exchange as a redacted support transcript (JSON text, to save).
pub async fn transcript() -> Result<String, ClientError> {
    saved_text(&format!("{API}/transcript")).await
}

/// The proxy's read-only field check of the device at `address` (JSON text, to save): what the
/// device says about itself, secrets replaced by placeholders; nothing is changed on the device.
pub async fn probe_report(address: DeviceAddress) -> Result<String, ClientError> {
    saved_text(&format!("{API}/probe/{}/{}", address.ip, address.port)).await
}

/// A report the proxy hands over as text for the person to save; a refusal is the proxy's
/// error, read as any other.
async fn saved_text(url: &str) -> Result<String, ClientError> {
    let response = get(url).await?;
    if !response.ok() {
        return json::<String>(response).await;
    }
    response
        .text()
        .await
        .map_err(|_| ClientError::ProxyUnreachable)
}

/// Asks for the devices discovery found on the proxy's LAN, answered as soon as there are
/// more than `shown` (or the scan ends): see [`Discovery`].
pub async fn discover(shown: usize) -> Result<Discovery, ClientError> {
    let response = get(&format!("{API}/devices?after={shown}")).await?;
    json(response).await
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

/// How long to wait before asking a booting device again; reads only, never writes.
const BOOT_RETRY_DELAYS_MS: [i32; 4] = [1_000, 2_000, 4_000, 8_000];

/// Forwards one read-only ISAPI call to the device through the proxy and returns its envelope.
/// A device that is still starting answers 403 "Invalid Operation": ask again with backoff.
async fn call(address: DeviceAddress, path_and_query: &str) -> Result<Envelope, ClientError> {
    let mut delays = BOOT_RETRY_DELAYS_MS.iter();
    loop {
        let envelope = send(address, Method::Get, path_and_query, None).await?;
        if !is_booting(&envelope) {
            return Ok(envelope);
        }
        match delays.next() {
            Some(ms) => sleep_ms(*ms).await,
            None => return Err(ClientError::Booting),
        }
    }
}

/// Whether the answer is the device's "still starting" refusal (a 403 with the known signal).
fn is_booting(envelope: &Envelope) -> bool {
    envelope.status == 403
        && ResponseStatus::parse(&envelope.body).is_ok_and(|status| status.is_booting_signal())
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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
    let url = helper_link::url(&device_url(address, path_and_query));
    let builder = helper_link::prepare(match method {
        Method::Get => Request::get(&url),
        Method::Put => Request::put(&url),
        Method::Post => Request::post(&url),
    });
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
    helper_link::remember(&response);
    let envelope: Envelope = json(response).await?;
    if let Some(transport) = envelope.transport {
        TRANSPORTS.with(|t| t.borrow_mut().insert(address, transport));
    }
    Ok(envelope)
}

thread_local! {
    /// How the proxy last reached each device, as its envelopes said.
    static TRANSPORTS: RefCell<HashMap<DeviceAddress, DeviceTransport>> =
        RefCell::new(HashMap::new());
}

/// How the proxy reached the device at `address` in its last answer, if one came yet.
pub fn known_transport(address: DeviceAddress) -> Option<DeviceTransport> {
    TRANSPORTS.with(|t| t.borrow().get(&address).copied())
}

/// How the proxy reaches the device at `address`: what its last answer said, else what a read
/// that changes nothing says now (after a reload). `None` when the proxy does not say.
pub async fn transport(address: DeviceAddress) -> Option<DeviceTransport> {
    if let Some(known) = known_transport(address) {
        return Some(known);
    }
    send(address, Method::Get, paths::ACTIVATE_STATUS, None)
        .await
        .ok()?
        .transport
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

async fn get(path: &str) -> Result<Response, ClientError> {
    let response = helper_link::prepare(Request::get(&helper_link::url(path)))
        .send()
        .await
        .map_err(|_| ClientError::ProxyUnreachable)?;
    helper_link::remember(&response);
    Ok(response)
}

async fn json<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    let ok = response.ok();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok());
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
            retry_after,
        }),
        // Something other than our proxy answered (an old version, another server).
        Err(_) => Err(ClientError::ProxyUnreachable),
    }
}
