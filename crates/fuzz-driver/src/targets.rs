//! The fuzz targets: every parser that reads what a device or a browser sends, grouped by the
//! shape of input they expect, each with its seeds (fixtures of real shapes) and a dictionary.
//! A target only calls parsers and checks; results are ignored, panics and hangs are the bugs.

use axum::http::{Method, Uri};
use protocol::field_crypto::{parse_iv, FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::{
    ActivationStatus, EmailCertification, EmailParameter, ExternCapabilities, GuidFile,
    GuidFileExport, GuidFileReset, LengthLimit, QrCode, QuestionCertification,
    QuestionConfiguration, ResponseStatus, SecurityCap, SecurityEmailCap, SetEmailParameter,
    SetQuestions, SyncIpcPassword, SyncIpcResult,
};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::probe::{Assessment, ProbeReport, ProbeStep};
use protocol::profile::{DeviceProfile, SecretFieldScheme};
use protocol::sadp::{Probe, ProbeMatch};
use protocol::transcript::{self, RawExchange, Redactor, Transcript};
use reset_proxy::allow_list::AllowList;
use reset_proxy::discovery::{plan_sockets, plausible, InterfaceAddr};
use reset_proxy::forward::DeviceAnswer;
use reset_proxy::sessions::{DeviceState, SessionId, Sessions};
use reset_proxy::targets::{IpRange, OwnAddresses, TargetPolicy};
use reset_proxy::transcripts::Transcripts;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// One fuzz target.
pub struct Target {
    /// Its name, for `--target` and the report.
    pub name: &'static str,
    /// What it reads.
    pub about: &'static str,
    /// Real shapes to start from.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens worth inserting.
    pub dictionary: &'static [&'static str],
    /// Feeds one input to its parsers.
    pub run: fn(&[u8]),
}

/// Every target, in the order they run.
pub const ALL: &[Target] = &[
    Target {
        name: "isapi_xml",
        about: "device answers and request bodies in ISAPI XML",
        seeds: xml_seeds,
        dictionary: XML_WORDS,
        run: isapi_xml,
    },
    Target {
        name: "isapi_json",
        about: "device answers and request bodies in ISAPI JSON, device profiles",
        seeds: json_seeds,
        dictionary: JSON_WORDS,
        run: isapi_json,
    },
    Target {
        name: "sadp",
        about: "SADP probes and answers, and discovery's checks of them",
        seeds: sadp_seeds,
        dictionary: XML_WORDS,
        run: sadp,
    },
    Target {
        name: "proxy_requests",
        about: "the proxy's reading of browser requests: device path, query, target, origins, cookies, redirects",
        seeds: request_seeds,
        dictionary: REQUEST_WORDS,
        run: proxy_requests,
    },
    Target {
        name: "transcripts",
        about: "support transcripts and probe reports (read by devsim --replay), and redaction",
        seeds: transcript_seeds,
        dictionary: JSON_WORDS,
        run: transcripts,
    },
    Target {
        name: "embed_options",
        about: "the widget's embed options, typed device addresses and passwords in the wizard",
        seeds: embed_seeds,
        dictionary: REQUEST_WORDS,
        run: embed_options,
    },
];

const XML_WORDS: &[&str] = &[
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    "<ResponseStatus>",
    "</ResponseStatus>",
    "<subStatusCode>",
    "<statusCode>",
    "<ProbeMatch>",
    "</ProbeMatch>",
    "<IPv4Address>",
    "<MAC>",
    "<DeviceSN>",
    "<HttpsPort>",
    "<SecurityCap>",
    "<salt>",
    "<isSupportResetByEmail>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<!DOCTYPE a [<!ENTITY x \"y\">]>",
    "&amp;",
    "&#x10FFFF;",
    "&#0;",
    "&x;",
    " xmlns=\"http://www.hikvision.com/ver20/XMLSchema\"",
    " xmlns:a=\"b\"",
    "<a:b>",
    "true",
    "flase",
    "min=\"8\" max=\"16\"",
];

const JSON_WORDS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "\\u0000",
    "\\ud800",
    "\"statusCode\"",
    "\"subStatusCode\"",
    "\"resLockTime\"",
    "\"retryLoginTime\"",
    "\"SecurityEmail\"",
    "\"QRCode\"",
    "\"EmailCertification\"",
    "\"exchanges\"",
    "\"requestBody\"",
    "\"responseBody\"",
    "{{code.1}}",
    "{{session.2}}",
    "{{",
    "}}",
    "1e999",
];

const REQUEST_WORDS: &[&str] = &[
    "/devices/",
    "/ISAPI/Security/emailCertification",
    "/SDK/activateStatus",
    "?format=json",
    "&security=1&iv=",
    "%2e%2e",
    "%2f",
    "%00",
    "..",
    "::ffff:",
    "192.168.1.64",
    "fd00::5",
    "[fd00::5]",
    "%eth0",
    "reset_session=",
    "; Max-Age=0",
    "https://",
    "http://127.0.0.1:",
    "null",
    "*",
    "lang=",
    "accent=%23",
    "proxy=",
    "mailbox=",
    "host=",
    "\u{202e}",
];

fn fixtures(dir: &str) -> Vec<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../protocol/tests/fixtures")
        .join(dir);
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn with_extension(dirs: &[&str], extension: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in dirs {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../protocol/tests/fixtures")
            .join(dir);
        let Ok(entries) = std::fs::read_dir(path) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            if file.extension().and_then(|e| e.to_str()) == Some(extension) {
                out.extend(std::fs::read(file).ok());
            }
        }
    }
    out
}

fn xml_seeds() -> Vec<Vec<u8>> {
    with_extension(&["isapi_md", "developer_guide"], "xml")
}

fn json_seeds() -> Vec<Vec<u8>> {
    let mut seeds = with_extension(&["isapi_md", "developer_guide"], "json");
    seeds.extend(serde_json::to_vec(&DeviceProfile::default()).ok());
    seeds
}

fn sadp_seeds() -> Vec<Vec<u8>> {
    fixtures("sadp_md")
}

fn request_seeds() -> Vec<Vec<u8>> {
    [
        "GET /devices/192.168.1.64/80/SDK/activateStatus\nOrigin: https://help.example\nCookie: reset_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nSet-Cookie: WebSession_1=abc; Path=/; HttpOnly\nLocation: https://192.168.1.64:443/ISAPI/Security/capabilities\nRange: 192.168.1.0/24",
        "PUT /devices/fd00::5/8000/ISAPI/Security/emailCertification?format=json&security=1&iv=00ff\nOrigin: http://[fd00::5]:8443/\nCookie: a=b; reset_session=x; reset_session=y\nSet-Cookie: lang=; Max-Age=0\nLocation: http://192.168.1.64/\nRange: fd00::/8",
        "POST /devices/10.0.0.7/8080/ISAPI/Security/sessionLogin?timeStamp=1712345678901\nOrigin: null\nCookie: \nSet-Cookie: =\nLocation: https://[fd00::5]:8443/x\nRange: 0.0.0.0/0",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

fn transcript_seeds() -> Vec<Vec<u8>> {
    let mut seeds = fixtures("transcripts");
    seeds.extend(json_seeds().into_iter().take(4));
    seeds
}

fn embed_seeds() -> Vec<Vec<u8>> {
    [
        "?embed=1&host=https%3A%2F%2Fhelp.example&lang=de&mode=guided&scheme=dark&accent=%230b5cad&accent-dark=%238cc4ff&mailbox=guarding-vision&proxy=http%3A%2F%2F127.0.0.1%3A8080&title=Reset\n192.168.1.64:8000\nQuiet-Harbor42",
        "?mode=connected&proxy=http://localhost:9000&accent=%23fff\n[fd00::5]:80\naaaaaaaa",
        "?lang=ar&step=code\nhttp://192.168.1.64/\nadmin",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// The input as text, the way the proxy and the wizard see device answers (lossy UTF-8).
fn text(input: &[u8]) -> String {
    String::from_utf8_lossy(input).into_owned()
}

fn ciphers() -> (FieldProtection, FieldCipher) {
    let cipher = FieldCipher::new(FieldKey::from_bytes([1; 16]), [2; 16]);
    (FieldProtection::Encrypted(cipher.clone()), cipher)
}

fn isapi_xml(input: &[u8]) {
    let text = text(input);
    let text = text.as_str();
    let profile = DeviceProfile::default();
    let (encrypted, _) = ciphers();
    let _ = ActivationStatus::from_xml(text);
    let _ = SecurityCap::from_xml(text);
    let _ = ExternCapabilities::from_xml(text);
    let _ = ResponseStatus::parse(text);
    let _ = ResponseStatus::from_xml(text);
    let _ = SessionLoginCap::from_xml(text);
    let _ = SessionLogin::from_xml(text);
    let _ = QuestionConfiguration::from_xml(text, &profile);
    for protection in [&FieldProtection::Plain, &encrypted] {
        let _ = SetQuestions::from_xml(text, &profile, protection);
        let _ = QuestionCertification::from_xml(text, &profile, protection);
        let _ = GuidFileExport::from_xml(text, protection);
    }
    let _ = GuidFile::from_export_answer(input);
    for step in ProbeStep::ALL {
        let _ = Assessment::of(step, 200, text);
    }
}

fn isapi_json(input: &[u8]) {
    let text = text(input);
    let text = text.as_str();
    let plain = DeviceProfile::default();
    let encrypted_profile = DeviceProfile {
        email_certification_secrets: SecretFieldScheme::Security1,
        ..DeviceProfile::default()
    };
    let (encrypted, cipher) = ciphers();
    let _ = ResponseStatus::from_json(text);
    let _ = SecurityEmailCap::from_json(text);
    let _ = QrCode::from_json(text, &plain);
    let _ = EmailCertification::from_json(text, &plain, None);
    let _ = EmailCertification::from_json(text, &encrypted_profile, Some(&cipher));
    let _ = EmailParameter::from_json(text, &plain);
    let _ = SyncIpcResult::from_json(text);
    for protection in [&FieldProtection::Plain, &encrypted] {
        let _ = SetEmailParameter::from_json(text, protection);
        let _ = SyncIpcPassword::from_json(text, protection);
        let _ = GuidFileReset::from_json(text, &plain, protection);
    }
    let _ = DeviceProfile::from_json(text);
    let _ = protocol::json_path::JsonPath::parse(text);
    let _ = cipher.decrypt(text);
    let _ = parse_iv(text);
}

fn sadp(input: &[u8]) {
    let _ = Probe::parse(input);
    let Ok(found) = ProbeMatch::parse(input) else {
        return;
    };
    let _ = plausible(&found);
    // As discovery checks it: heard on a LAN adapter, from an address the input chose.
    let lan = InterfaceAddr {
        name: "eth0".into(),
        ip: [192, 168, 1, 20].into(),
        broadcast: Some([192, 168, 1, 255].into()),
        netmask: Some([255, 255, 255, 0].into()),
        up: true,
    };
    let group: SocketAddr = (protocol::sadp::SADP_MULTICAST_V4, protocol::sadp::SADP_PORT).into();
    let from = SocketAddr::from((
        found.ipv4.unwrap_or([192, 168, 1, 64].into()),
        found.http_port.unwrap_or(37020),
    ));
    for plan in plan_sockets(&[group], &[lan], |_| None) {
        let _ = plan.accepts(from, &found);
    }
    let _ = reset_proxy::pins::DeviceKey::of(&found);
    let _ = found.to_xml();
}

/// `METHOD TARGET` on the first line, then `Name: value` lines, as a browser could send them.
fn proxy_requests(input: &[u8]) {
    let text = text(input);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let (method, target) = first.split_once(' ').unwrap_or((first, "/"));
    let policy = TargetPolicy {
        extra_ranges: vec!["203.0.113.0/24".parse().unwrap_or_else(|_| unreachable!())],
        exact: vec![SocketAddr::from(([127, 0, 0, 1], 4000))],
        allow_loopback: false,
        own: vec![SocketAddr::from(([127, 0, 0, 1], 8080))],
        own_addresses: OwnAddresses::fixed(vec![[192, 168, 1, 20].into()]),
    };
    let calls = AllowList::default();
    if let (Ok(method), Ok(uri)) = (Method::from_bytes(method.as_bytes()), Uri::try_from(target)) {
        let _ = reset_proxy::routes::parse_target(&policy, &calls, &method, &uri);
    }
    let mut cookies = Vec::new();
    let mut state = DeviceState::default();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "origin" => {
                let _ = reset_proxy::browser_guard::embedding_origin(value);
            }
            "cookie" => cookies.push(value),
            "set-cookie" => state.store_cookie(value),
            "location" => {
                let answer = DeviceAnswer {
                    status: 301,
                    content_type: None,
                    body: Default::default(),
                    set_cookies: Vec::new(),
                    location: Some(value.to_string()),
                    certificate: None,
                };
                let _ = reset_proxy::forward::https_redirect(
                    SocketAddr::from(([192, 168, 1, 64], 80)),
                    &answer,
                );
            }
            "range" => {
                let _ = value.parse::<IpRange>();
            }
            _ => {
                let _ = SessionId::parse(value);
            }
        }
    }
    let _ = SessionId::from_cookie_headers(cookies);
    let _ = state.cookie_header();
}

fn transcripts(input: &[u8]) {
    let text = text(input);
    let text = text.as_str();
    let _ = Transcript::parse(text);
    let _ = ProbeReport::parse(text);
    let _ = transcript::placeholders(text);
    let _ = transcript::fill(text, |p| format!("<{}>", p.kind.name()));
    let middle = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let (pattern, actual) = text.split_at(middle);
    let _ = transcript::fits(pattern, actual);
    // Redaction of an exchange whose parts the input chose (split at NUL bytes), once alone and
    // once in the proxy's capped store, as a LAN host's answers would reach them.
    let parts: Vec<&[u8]> = input.splitn(4, |b| *b == 0).collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or(b"");
    let set_cookies = vec![String::from_utf8_lossy(part(3)).into_owned()];
    let path = String::from_utf8_lossy(part(0)).into_owned();
    let raw = RawExchange {
        method: "PUT",
        path_and_query: &path,
        request_content_type: Some("application/json"),
        request_body: part(1),
        authorization: None,
        status: 200,
        content_type: Some("application/xml"),
        response_body: part(2),
        set_cookies: &set_cookies,
    };
    let mut redactor = Redactor::new(&DeviceProfile::default(), 1);
    let exchange = redactor.redact(&raw);
    let _ = redactor.sweep(&exchange.request_body);
    thread_local! {
        static STORE: std::cell::RefCell<Option<(Transcripts, SessionId, u32)>> =
            const { std::cell::RefCell::new(None) };
    }
    STORE.with(|store| {
        let mut store = store.borrow_mut();
        // A fresh store now and then, so each input is not dwarfed by serialising a full one.
        if store.as_ref().is_none_or(|(_, _, used)| *used >= 64) {
            let Ok(fresh) = Transcripts::new(DeviceProfile::default(), None) else {
                return;
            };
            let (id, _) = Sessions::new(Duration::from_secs(3600)).resume_or_start(None);
            *store = Some((fresh, id, 0));
        }
        if let Some((transcripts, session, used)) = store.as_mut() {
            transcripts.record(session, &raw);
            let _ = transcripts.of(session).to_json();
            *used += 1;
        }
    });
}

/// The embedder's query on the first line, then a typed device address, then a typed password.
fn embed_options(input: &[u8]) {
    use wizard::embed::options::{EmbedOptions, Helper, Origin};
    let text = text(input);
    let mut lines = text.lines();
    let query = lines.next().unwrap_or("");
    let own = Origin::parse("https://wizard.example");
    let _ = EmbedOptions::from_query(query, own.as_ref());
    let _ = EmbedOptions::from_query(query, None);
    let _ = Origin::parse(query);
    let _ = Helper::parse(query, own.as_ref());
    if let Some(address) = lines.next() {
        let _ = wizard::device::address::DeviceAddress::parse(address);
    }
    if let Some(password) = lines.next() {
        let _ = protocol::password::check(password, "admin", LengthLimit::DEFAULT_PASSWORD);
    }
}
