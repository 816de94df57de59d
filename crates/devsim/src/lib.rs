//! A simulated Hikvision device: ISAPI over HTTP (and HTTPS) and SADP over UDP, for tests and
//! the demo. Start it in-process with [`start`] / [`start_many`] or as the `devsim` binary;
//! it only ever binds what it is given.
//!
//! # The reset flow it simulates
//! Every body is written and read with `protocol`'s types; the [assumed] details come from the
//! [`DeviceProfile`] given with [`Config::with_profile_details`].
//! - `GET /ISAPI/Security/email/qrCode?format=json` exports a fresh opaque QR content with a
//!   fresh random reset code (8-12 capitals and digits) and voids the previous one. The code
//!   is valid for `protocol::isapi::RESET_CODE_VALID_FOR_SECS` on the device's clock; a reboot
//!   or a new recovery e-mail voids it.
//! - `PUT /ISAPI/Security/emailCertification?format=json` checks the code (wrong and expired
//!   codes answer the profile's sub-statuses), then the new password with
//!   `protocol::password::check` (`ResetPasswordIllegal`, `riskPassword`,
//!   `passworLlenNoMoreThan16`, `cannotSameAsOldPassword`), then changes the admin password.
//!   Wrong codes and failed logins count together; the try that reaches the lock policy's
//!   limit locks the device, and locked answers carry the seconds left (`resLockTime` in JSON,
//!   `unlockTime` in XML) with HTTP 403.
//! - `sessionLogin/capabilities` + `sessionLogin` check the real hash of the current password
//!   and set a `WebSession_*` cookie; `userCheck` takes Basic auth.
//! - For the configured boot time after start (and after each reboot), writes and the QR
//!   export answer 403 "Invalid Operation".
//! - Answer shapes differ per [`Profile`] ([`AnswerStyle::for_profile`]): XML namespace, error
//!   bodies on HTTP 200 or 4xx, XML status bodies on `?format=json` calls.
//! - Security questions (NVR and old firmware): `GET questionConfiguration` lists the set
//!   question numbers (`mark` true) or three empty slots when never set ([`Questions`]);
//!   `PUT questionCertification` answers `ResetErrorNoSEQ` (never set, no try spent),
//!   `SEQConfigNumError` (answers for other questions), `SEQCertificateUnmatch` (a wrong
//!   answer: counted with wrong codes and logins towards the lock), then checks the new password
//!   like the e-mail reset. Answers compare trimmed and case-sensitively.
//! - GUID file (NVR and old firmware): `POST GUIDFileData` (logged in, admin password in the
//!   body) answers the file of the current password as `application/octet-stream`; the
//!   [assumed] reset call from the profile (`PUT GUIDFileData/certification?format=json`)
//!   takes it base64-encoded. Every password change, by any route, renews the file, so older
//!   files answer `GUIDFileDataUnmatch` (counted towards the lock).
//! - Logged-in writes (`PUT email/parameter`, `PUT questionConfiguration`, `POST GUIDFileData`,
//!   SyncIPCPassword) need the session cookie (or Basic auth) and the admin password in the
//!   body; a device reporting a `securityVersion` (all but old firmware) takes those fields only
//!   under `?security=1&iv=..` keyed on the current password, refusing plain ones with
//!   `badParameters`; fields that do not decrypt count as a wrong password.
//! - SyncIPCPassword (NVR, [assumed] call from the profile): gives the admin password to every
//!   simulated camera behind the NVR (three by default, [`Config::with_cameras`]; every third
//!   one offline, answering `offline`), and says which took it.
//! - Sub-statuses no public source gives and devsim had to choose: `notSupport` (feature absent
//!   on this firmware), `notActivated`, `noReservedEmail` (QR export without a reserved e-mail).
//!
//! # Control endpoints (`/devsim/`, on the device's own HTTP and HTTPS servers)
//! Never ISAPI paths, never subject to faults. Each answers the state as JSON
//! ([`StateSnapshot`]) unless said otherwise.
//! - `GET /devsim/state`: `qr_exports`, `qr_active`, `failed_code_tries`,
//!   `failed_login_tries`, `retries_left`, `locked`, `unlock_in_seconds`, `password_changed`,
//!   `booting`, `reboots`, `email_reserved`, `activated`, `faults`, `code_submissions` (every
//!   `emailCertification` that reached the device), `login_attempts`.
//! - `POST /devsim/reboot`: voids the QR code and sessions, lifts a lock, boots again.
//! - `POST /devsim/lock`: locks the device for its lock policy's time, as wrong tries would.
//! - `POST /devsim/clock` with `{"advance_seconds": N}`: moves the device's clock forward.
//! - `POST /devsim/faults` with `{"<path>": <fault> | null}`: sets or clears a [`Fault`] per
//!   request path (without query), e.g. `{"/SDK/activateStatus": {"kind": "html"}}`;
//!   `DELETE /devsim/faults` clears them all.
//! - `GET /devsim/certificate` → `{"pem": ".."}`; `POST /devsim/certificate` replaces the
//!   HTTPS certificate and key and answers the new PEM (404 without HTTPS).
//! - `GET /devsim/mailbox` → `{"code": "..", "demo": ".."}`: demo only, the code the vendor
//!   would e-mail for the last exported QR code; 404 when the mailbox is off or nothing was
//!   exported.
//! - `GET /devsim/answers` → `{"questions": [{"id": 2, "answer": ".."}, …], "demo": ".."}`:
//!   demo and tests only (mailbox on), the security answers; 404 when none are set.
//! - `GET /devsim/guid-file` → the GUID file of the current password (mailbox on), as an owner
//!   who exported it earlier would have it.
//! - `/devsim/state` also reports `questions_set`, `failed_answer_tries`,
//!   `failed_guid_tries`, `guid_exports`, `cameras` (`channel`, `ip`, `online`,
//!   `password_synced`) and `sessions` (logins in force).
//!
//! # Replay
//! [`Config::with_replay`] (`devsim --replay FILE`) makes the device answer from a support
//! transcript (`reset-proxy --record`, or the wizard's download) instead of simulating one:
//! - A request is answered by the next exchange, at or after the cursor, with the same method
//!   and path (the query is ignored); the cursor then moves past it. Recorded exchanges the
//!   client skips are passed over. A request matching only exchanges before the cursor gets the
//!   latest of them again, without moving (clients re-read capabilities). Anything else gets
//!   HTTP 404 with a `notSupport` status and is listed as unmatched.
//! - The answer is the recorded status, content type and body, and the recorded cookies.
//!   Each placeholder (`{{kind.n}}`) is filled with a generated value of its kind (a random
//!   QR content, session id, challenge, salt, GUID file…), the same value every time the same
//!   placeholder of the same recorded session appears, so a challenge's `sessionID` is the one
//!   the login answer and cookie carry.
//! - Request bodies are not checked for secrets: a placeholder in the recorded request stands
//!   for anything, so a code, answer or hash the client computes from the generated values is
//!   accepted exactly where the recording was accepted (and refused where it was refused: a
//!   recording with a wrong code first replays that refusal to the first submission). A body
//!   whose non-secret parts differ from the recording is still answered, and listed as
//!   mismatched.
//! - `GET /devsim/replay` → [`ReplayReport`]: `exchanges`, `cursor`, `answered`,
//!   `unmatched`, `mismatched`. `GET /devsim/mailbox` (mailbox on) offers a generated code.
//!   The other controls and SADP work as usual; faults still apply.
//!
//! # Many devices
//! [`start_many`] starts `n` devices on 127.0.0.10, .11, … each with its own port, MAC and
//! serial, and one SADP socket for the lot that answers a probe with one ProbeMatch datagram
//! per device, as a LAN of devices would.

mod behaviour;
mod clock;
mod faults;
mod identity;
mod replay;
mod routes;
mod sadp;
mod serve;
mod state;
mod tls;

pub use behaviour::{AnswerStyle, ErrorHttp, JsonCallStatus};
pub use faults::Fault;
pub use identity::{DeviceIdentity, Profile};
pub use protocol::isapi::LockPolicy;
pub use protocol::isapi::QuestionAnswer;
pub use protocol::profile::DeviceProfile;
pub use protocol::transcript::Transcript;
pub use protocol::XmlNamespace;
pub use replay::ReplayReport;
pub use state::{CameraState, Questions, StateSnapshot};
pub use tls::TlsError;

use sadp::Announced;
use state::{Device, DeviceSettings};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tls::CertStore;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What to start: where to listen and which device to be.
/// Build it with [`Config::loopback`] and the `with_*` methods, so new settings keep defaults.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The HTTP (ISAPI) listen address; port 0 picks a free one.
    pub http: SocketAddr,
    /// The SADP (UDP) listen address, if discovery should answer.
    pub sadp: Option<SocketAddr>,
    /// The device to simulate.
    pub identity: DeviceIdentity,
    /// The HTTPS listen port (on the HTTP address's IP), if HTTPS is served; 0 picks one.
    pub https_port: Option<u16>,
    /// The [assumed] protocol details the device follows.
    pub details: DeviceProfile,
    /// How long after start (and after each reboot) the device is "booting".
    pub booting: Duration,
    /// Whether the demo recovery mailbox answers.
    pub mailbox: bool,
    /// When the device locks itself after wrong tries.
    pub lock_policy: LockPolicy,
    /// How answers are shaped; `None` uses the profile's own style.
    pub answer_style: Option<AnswerStyle>,
    /// The initial admin password; `None` picks a random strong one.
    pub admin_password: Option<String>,
    /// Which security questions are set at start.
    pub questions: Questions,
    /// How many cameras sit behind the device; `None` gives NVRs three (the third offline).
    pub cameras: Option<u32>,
    /// A recorded transcript to answer from instead of simulating ([`Config::with_replay`]).
    pub replay: Option<Arc<Transcript>>,
}

impl Config {
    /// `identity` on a free loopback HTTP port, without SADP or HTTPS, booted, mailbox off.
    pub fn loopback(identity: DeviceIdentity) -> Self {
        Config {
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            sadp: None,
            identity,
            https_port: None,
            details: DeviceProfile::default(),
            booting: Duration::ZERO,
            mailbox: false,
            lock_policy: LockPolicy::DEFAULT,
            answer_style: None,
            admin_password: None,
            questions: Questions::ProfileDefault,
            cameras: None,
            replay: None,
        }
    }

    /// Listens for HTTP on `addr` instead.
    pub fn with_http(mut self, addr: SocketAddr) -> Self {
        self.http = addr;
        self
    }

    /// Also answers SADP probes on `addr` (port 0 picks a free one).
    pub fn with_sadp(mut self, addr: SocketAddr) -> Self {
        self.sadp = Some(addr);
        self
    }

    /// Also serves HTTPS, with a fresh self-signed certificate, on a free port.
    pub fn with_https(self) -> Self {
        self.with_https_port(0)
    }

    /// Also serves HTTPS on `port` of the HTTP address's IP (0 picks a free one).
    pub fn with_https_port(mut self, port: u16) -> Self {
        self.https_port = Some(port);
        self
    }

    /// Follows these [assumed] protocol details instead of protocol's defaults.
    pub fn with_profile_details(mut self, details: DeviceProfile) -> Self {
        self.details = details;
        self
    }

    /// Answers writes with 403 "Invalid Operation" for `time` after start and each reboot.
    pub fn with_booting(mut self, time: Duration) -> Self {
        self.booting = time;
        self
    }

    /// Turns the demo recovery mailbox (`GET /devsim/mailbox`) on or off.
    pub fn with_mailbox(mut self, on: bool) -> Self {
        self.mailbox = on;
        self
    }

    /// Locks after `max_attempts` wrong tries for `lock_seconds`.
    pub fn with_lock_policy(mut self, max_attempts: u32, lock_seconds: u32) -> Self {
        self.lock_policy = LockPolicy {
            max_attempts: max_attempts.max(1),
            lock_seconds,
        };
        self
    }

    /// Declares `namespace` in every XML answer, keeping the rest of the profile's style.
    pub fn with_namespace(mut self, namespace: XmlNamespace) -> Self {
        let style = self.style();
        self.answer_style = Some(AnswerStyle { namespace, ..style });
        self
    }

    /// Shapes answers as `style` says instead of as the profile does.
    pub fn with_answer_style(mut self, style: AnswerStyle) -> Self {
        self.answer_style = Some(style);
        self
    }

    /// Starts with this admin password instead of a random one.
    pub fn with_admin_password(mut self, password: impl Into<String>) -> Self {
        self.admin_password = Some(password.into());
        self
    }

    /// Starts with these security questions set (`Questions::NeverSet` for none).
    pub fn with_questions(mut self, questions: Questions) -> Self {
        self.questions = questions;
        self
    }

    /// Puts `count` simulated cameras behind the device (every third one offline).
    pub fn with_cameras(mut self, count: u32) -> Self {
        self.cameras = Some(count);
        self
    }

    /// Acts as the device recorded in `transcript` instead of simulating one (see "Replay"
    /// in the crate docs).
    pub fn with_replay(mut self, transcript: Transcript) -> Self {
        self.replay = Some(Arc::new(transcript));
        self
    }

    /// The answer style in force.
    pub fn style(&self) -> AnswerStyle {
        self.answer_style
            .unwrap_or_else(|| AnswerStyle::for_profile(self.identity.profile))
    }
}

/// Failures while starting the simulated device.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The HTTP listener could not bind.
    #[error("devsim could not listen for HTTP on {addr}: {source}")]
    Http {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// The HTTPS listener could not bind.
    #[error("devsim could not listen for HTTPS on {addr}: {source}")]
    Https {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// The HTTPS certificate could not be made.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The SADP socket could not bind.
    #[error("devsim could not listen for SADP on {addr}: {source}")]
    Sadp {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// More devices were asked for than loopback addresses 127.0.0.10 and up can hold.
    #[error("devsim can start at most {max} devices at once, not {asked}")]
    TooMany {
        /// The most devices [`start_many`] starts.
        max: usize,
        /// How many were asked for.
        asked: usize,
    },
}

/// A running simulated device; dropping it stops its servers.
pub struct Running {
    /// Where its ISAPI server listens.
    pub http_addr: SocketAddr,
    /// Where its HTTPS server listens, if any.
    pub https_addr: Option<SocketAddr>,
    /// Where its SADP responder listens, if any (shared by a [`Fleet`]).
    pub sadp_addr: Option<SocketAddr>,
    /// The device it pretends to be.
    pub identity: Arc<DeviceIdentity>,
    device: Arc<Device>,
    tls: Option<Arc<CertStore>>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("http_addr", &self.http_addr)
            .field("https_addr", &self.https_addr)
            .field("sadp_addr", &self.sadp_addr)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Running {
    /// The device's state, as `GET /devsim/state` reports it.
    pub fn state(&self) -> StateSnapshot {
        self.device.snapshot()
    }

    /// The current admin password (random and strong at start; changed by a reset).
    pub fn admin_password(&self) -> String {
        self.device.admin_password()
    }

    /// The code the vendor would e-mail for the last exported QR code, when the mailbox is on.
    pub fn mailbox_code(&self) -> Option<String> {
        self.device.mailbox_code()
    }

    /// A reader of [`Running::mailbox_code`] that outlives borrows of `self`, for a proxy's
    /// demo route to hold (it stays valid after the device stops, answering the last code).
    pub fn mailbox_reader(&self) -> impl Fn() -> Option<String> + Send + Sync + 'static {
        let device = self.device.clone();
        move || device.mailbox_code()
    }

    /// A reader of what the device's owner would know (answers, GUID file) for a proxy's demo
    /// route to hold, like [`Running::mailbox_reader`].
    pub fn secrets_reader(
        &self,
    ) -> impl Fn() -> protocol::proxy_api::DemoSecrets + Send + Sync + 'static {
        use base64::Engine as _;
        let device = self.device.clone();
        move || protocol::proxy_api::DemoSecrets {
            answers: device.question_answers().unwrap_or_default(),
            guid_file: device.caps.reset_modes.guid_file.then(|| {
                base64::engine::general_purpose::STANDARD.encode(device.current_guid_file())
            }),
        }
    }

    /// The last exported QR content, if any.
    pub fn last_qr_content(&self) -> Option<String> {
        self.device.last_qr_content()
    }

    /// The security questions and their answers, when set.
    pub fn question_answers(&self) -> Option<Vec<QuestionAnswer>> {
        self.device.question_answers()
    }

    /// The GUID file of the current admin password (what an export would give now).
    pub fn guid_file(&self) -> String {
        self.device.current_guid_file()
    }

    /// Reboots: voids the QR code and sessions, lifts a lock, boots again.
    pub fn reboot(&self) {
        self.device.reboot();
    }

    /// Locks the device for its lock policy's time, as too many wrong tries would.
    pub fn lock(&self) {
        self.device.lock();
    }

    /// Moves the device's clock forward.
    pub fn advance_clock(&self, by: Duration) {
        self.device.clock.advance(by);
    }

    /// Sets (`Some`) or clears (`None`) a fault on a request path (without query).
    pub fn set_fault(&self, path: &str, fault: impl Into<Option<Fault>>) {
        self.device.faults.set(path, fault.into());
    }

    /// Clears every fault.
    pub fn clear_faults(&self) {
        self.device.faults.clear();
    }

    /// The HTTPS certificate in force, PEM-encoded, when HTTPS is served.
    pub fn certificate_pem(&self) -> Option<String> {
        self.tls.as_ref().map(|t| t.pem())
    }

    /// The HTTPS certificate in force, DER-encoded (what a pin is computed over).
    pub fn certificate_der(&self) -> Option<Vec<u8>> {
        self.tls.as_ref().map(|t| t.der())
    }

    /// Replaces the HTTPS certificate and key; new connections get the new one.
    /// Returns the new PEM, or `None` when no HTTPS is served.
    pub fn replace_certificate(&self) -> Option<Result<String, TlsError>> {
        self.tls.as_ref().map(|t| t.replace())
    }

    /// The device's base URL, e.g. `http://127.0.0.1:8081`.
    pub fn url(&self) -> String {
        format!("http://{}", self.http_addr)
    }
}

/// Several devices started by [`start_many`], and the SADP socket that answers for all.
pub struct Fleet {
    /// The devices, in address order (127.0.0.10 first).
    pub devices: Vec<Running>,
    /// Where the shared SADP responder listens, if any.
    pub sadp_addr: Option<SocketAddr>,
    sadp_task: Option<JoinHandle<()>>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        if let Some(task) = &self.sadp_task {
            task.abort();
        }
    }
}

/// The most devices [`start_many`] starts: 127.0.0.10 up to 127.0.0.254.
pub const MAX_FLEET: usize = 245;

/// The mailbox devsim's QR answer names (`serverEmailAddress`): a reserved example domain, so
/// nothing sent to it leaves anyone's computer, and unlike the wizard's built-in list, so a
/// test can tell which one the wizard chose.
pub const SERVER_MAILBOX: &str = "pw_recovery@devsim.example";

/// Binds the device's sockets and serves them on the current tokio runtime.
pub async fn start(config: Config) -> Result<Running, StartError> {
    let sadp = config.sadp;
    let mut running = start_device(config).await?;
    if let Some(addr) = sadp {
        let (sadp_addr, task) = start_sadp(addr, vec![announce(&running)]).await?;
        running.sadp_addr = Some(sadp_addr);
        running.tasks.push(task);
    }
    Ok(running)
}

/// Starts `count` devices like `config` on 127.0.0.10, .11, …: the first with
/// `config.identity`, the others with random identities of the same profile (own MAC and
/// serial). Port 0 gives each a free port; port P gives device `i` port P + i. One SADP socket
/// (if `config.sadp` is set) answers a probe with one ProbeMatch per device.
pub async fn start_many(config: Config, count: usize) -> Result<Fleet, StartError> {
    if count > MAX_FLEET {
        return Err(StartError::TooMany {
            max: MAX_FLEET,
            asked: count,
        });
    }
    let mut devices: Vec<Running> = Vec::with_capacity(count);
    let mut macs = std::collections::HashSet::new();
    for i in 0..count {
        let mut one = config.clone();
        if i > 0 {
            one.identity = loop {
                let candidate = DeviceIdentity::random(config.identity.profile);
                if !macs.contains(&candidate.mac) {
                    break DeviceIdentity {
                        activated: config.identity.activated,
                        ..candidate
                    };
                }
            };
        }
        macs.insert(one.identity.mac.clone());
        let offset = u16::try_from(i).unwrap_or(u16::MAX);
        let octet = u8::try_from(10 + i).unwrap_or(u8::MAX);
        let port = match config.http.port() {
            0 => 0,
            base => base.saturating_add(offset),
        };
        one.http = SocketAddr::from((Ipv4Addr::new(127, 0, 0, octet), port));
        one.https_port = config.https_port.map(|p| match p {
            0 => 0,
            base => base.saturating_add(offset),
        });
        devices.push(start_device(one).await?);
    }
    let (sadp_addr, sadp_task) = match config.sadp {
        Some(addr) => {
            let announced = devices.iter().map(announce).collect();
            let (addr, task) = start_sadp(addr, announced).await?;
            (Some(addr), Some(task))
        }
        None => (None, None),
    };
    for device in &mut devices {
        device.sadp_addr = sadp_addr;
    }
    Ok(Fleet {
        devices,
        sadp_addr,
        sadp_task,
    })
}

/// Binds HTTP (and HTTPS) for one device and starts serving.
async fn start_device(config: Config) -> Result<Running, StartError> {
    let style = config.style();
    let identity = Arc::new(config.identity);
    let device = Arc::new(Device::new(DeviceSettings {
        identity: identity.clone(),
        style,
        details: config.details,
        lock_policy: config.lock_policy,
        boot_time: config.booting,
        mailbox: config.mailbox,
        admin_password: config.admin_password,
        questions: config.questions,
        cameras: config.cameras,
    }));
    let listener = TcpListener::bind(config.http)
        .await
        .map_err(|source| StartError::Http {
            addr: config.http,
            source,
        })?;
    let http_addr = listener.local_addr().map_err(|source| StartError::Http {
        addr: config.http,
        source,
    })?;
    let tls = match config.https_port {
        Some(_) => Some(Arc::new(CertStore::new(http_addr.ip(), &identity.model)?)),
        None => None,
    };
    let router = match config.replay {
        Some(transcript) => replay::router(transcript, device.clone()),
        None => routes::router(device.clone(), tls.clone()),
    };
    let mut tasks = vec![tokio::spawn(serve::serve(
        listener,
        router.clone(),
        device.clone(),
        None,
    ))];
    let mut https_addr = None;
    if let (Some(port), Some(store)) = (config.https_port, &tls) {
        let addr = SocketAddr::new(http_addr.ip(), port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Https { addr, source })?;
        https_addr = Some(
            listener
                .local_addr()
                .map_err(|source| StartError::Https { addr, source })?,
        );
        tasks.push(tokio::spawn(serve::serve(
            listener,
            router,
            device.clone(),
            Some(store.clone()),
        )));
    }
    Ok(Running {
        http_addr,
        https_addr,
        sadp_addr: None,
        identity,
        device,
        tls,
        tasks,
    })
}

async fn start_sadp(
    addr: SocketAddr,
    devices: Vec<Announced>,
) -> Result<(SocketAddr, JoinHandle<()>), StartError> {
    let socket = sadp::bind(addr)
        .await
        .map_err(|source| StartError::Sadp { addr, source })?;
    let bound = socket
        .local_addr()
        .map_err(|source| StartError::Sadp { addr, source })?;
    Ok((bound, tokio::spawn(sadp::respond(socket, devices))))
}

fn announce(running: &Running) -> Announced {
    let caps = &running.device.caps;
    Announced {
        identity: running.identity.clone(),
        http: running.http_addr,
        https_port: running.https_addr.map(|a| a.port()),
        sync_ipc_password: caps.sync_ipc_password,
        email_reset: caps.email_reset(),
        questions: caps.reset_modes.security_question,
        guid: caps.reset_modes.guid_file,
        boot_time: boot_time_now(),
    }
}

/// "YYYY-MM-DD hh:mm:ss" (UTC) for now, as SADP's `BootTime` reads.
fn boot_time_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil conversion, to avoid a date crate for one field.
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_time_reads_as_a_date_and_time() {
        let text = boot_time_now();
        assert_eq!(text.len(), 19, "{text}");
        assert!(text.starts_with("20"), "{text}");
    }
}
