//! How the proxy reaches one device within a session: HTTPS first whenever the device has it,
//! plain HTTP only when it offers nothing else, and never a code, answer or password in clear to
//! a device that has shown it speaks HTTPS. Certificates are pinned per session and, by serial
//! and MAC, across sessions.

use crate::allow_list::AllowedCall;
use crate::error::ApiError;
use crate::forward::{self, DeviceAnswer, DeviceClient, DeviceRequest, Transport};
use crate::pins::{CertificatePins, DeviceKey};
use crate::sessions::{SessionId, Sessions};
use crate::targets::TargetPolicy;
use protocol::proxy_api::DeviceTransport;
use protocol::sadp::ProbeMatch;
use std::net::SocketAddr;

/// The port tried for HTTPS when nothing says where the device serves it: the web UI's default.
pub const DEFAULT_HTTPS_PORT: u16 = 443;

/// What an exchange needs besides the request: the proxy's shared parts, and what discovery
/// heard from this device (its HTTPS port, its serial and MAC), when it did.
pub struct Link<'a> {
    /// Connects to devices.
    pub devices: &'a DeviceClient,
    /// Per-session device state: cookies, HTTPS port, the session's pin.
    pub sessions: &'a Sessions,
    /// The address policy, checked again for an HTTPS port.
    pub targets: &'a TargetPolicy,
    /// Pins across sessions.
    pub pins: &'a CertificatePins,
    /// The device's discovery answer, if discovery heard it.
    pub discovered: Option<ProbeMatch>,
}

impl Link<'_> {
    /// Sends one call to `device` the safest way it offers, and says which way that was.
    pub async fn exchange(
        &self,
        session: &SessionId,
        device: SocketAddr,
        call: &AllowedCall,
        request: impl Fn() -> DeviceRequest,
    ) -> Result<(DeviceAnswer, DeviceTransport), ApiError> {
        let state = self.sessions.device(session, device);
        let identity = self.discovered.as_ref().and_then(DeviceKey::of);
        let announced = self.discovered.as_ref().and_then(|d| d.https_port);
        // HTTPS answered in this session, discovery says the device serves it, or the device
        // showed a certificate to an earlier session: then no secret goes out in clear.
        let offers_https = state.https_port.is_some()
            || announced.is_some()
            || identity
                .as_ref()
                .is_some_and(|key| self.pins.get(key).is_some());
        if device.port() == DEFAULT_HTTPS_PORT || state.https_port.is_some() {
            let port = state.https_port.unwrap_or(DEFAULT_HTTPS_PORT);
            let answer = self
                .https(session, device, port, identity.as_ref(), call, request())
                .await?;
            return Ok((answer, DeviceTransport::Https));
        }

        let guessed = announced.is_none();
        let https_failure = match announced.or((!state.https_absent).then_some(DEFAULT_HTTPS_PORT))
        {
            None => None,
            Some(port) => {
                let tried = match self.targets.check_addr(SocketAddr::new(device.ip(), port)) {
                    Ok(()) => {
                        self.https(session, device, port, identity.as_ref(), call, request())
                            .await
                    }
                    Err(refused) => Err(refused),
                };
                match tried {
                    Ok(answer) => return Ok((answer, DeviceTransport::Https)),
                    // Nothing reached the device: plain HTTP may still be tried, below.
                    Err(err) if nothing_sent(&err) => {
                        if guessed {
                            // Asked once per session; a device without HTTPS costs one try.
                            self.sessions
                                .update(session, device, |s| s.https_absent = true);
                        }
                        Some(err)
                    }
                    Err(err) => return Err(err),
                }
            }
        };
        if call.submission && offers_https {
            tracing::info!(%device, "not sending a submission in clear to a device that offers HTTPS");
            return Err(https_failure.unwrap_or_else(|| {
                ApiError::TlsFailed(
                    "the device offers HTTPS, and codes and passwords are never sent to it in clear"
                        .into(),
                )
            }));
        }

        let answer = self
            .devices
            .exchange(device, Transport::Http, request(), call.retry_safe)
            .await?;
        // A device that redirects to HTTPS on its own address is asking for HTTPS; any other
        // redirect is handed to the wizard as it is, never followed.
        match forward::https_redirect(device, &answer) {
            Some(port) => {
                self.targets
                    .check_addr(SocketAddr::new(device.ip(), port))?;
                self.sessions
                    .update(session, device, |s| s.https_port = Some(port));
                let answer = self
                    .https(session, device, port, identity.as_ref(), call, request())
                    .await?;
                Ok((answer, DeviceTransport::Https))
            }
            None => Ok((answer, DeviceTransport::Http)),
        }
    }

    /// One exchange over HTTPS on `port`, against the session's pin or else the device's pin
    /// from earlier sessions; the first certificate seen becomes both.
    async fn https(
        &self,
        session: &SessionId,
        device: SocketAddr,
        port: u16,
        identity: Option<&DeviceKey>,
        call: &AllowedCall,
        request: DeviceRequest,
    ) -> Result<DeviceAnswer, ApiError> {
        let session_pin = self.sessions.device(session, device).pinned_certificate;
        let pinned = session_pin.or_else(|| identity.and_then(|key| self.pins.get(key)));
        let answer = self
            .devices
            .exchange(
                SocketAddr::new(device.ip(), port),
                Transport::Https { pinned },
                request,
                call.retry_safe,
            )
            .await?;
        self.sessions.update(session, device, |s| {
            s.https_port = Some(port);
            s.https_absent = false;
            if s.pinned_certificate.is_none() {
                s.pinned_certificate = answer.certificate;
            }
        });
        if let (Some(key), Some(certificate)) = (identity, answer.certificate) {
            self.pins.remember(key.clone(), certificate);
        }
        Ok(answer)
    }
}

/// Whether an HTTPS try failed before any request reached the device: no connection, a failed
/// handshake, or the proxy's own address policy. A changed certificate is not among them: that
/// device must not be spoken to at all.
fn nothing_sent(err: &ApiError) -> bool {
    matches!(
        err,
        ApiError::Unreachable(_) | ApiError::TlsFailed(_) | ApiError::TargetNotAllowed(_)
    )
}
