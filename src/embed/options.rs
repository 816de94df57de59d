//! What an embedding page may choose, read from the wizard's URL and checked one by one. The
//! loader (`public/embed.js`) checks the same rules on the host page; this side checks again
//! because anyone can frame the wizard with any URL. A rejected value falls back to the default
//! and is reported to the console, never turned into CSS, a URL or an address unchecked.

use super::theme::{Scheme, Theme};
use protocol::profile::{find_recovery_mailbox, recovery_mailbox, RecoveryMailbox};
use protocol::proxy_api::{DEFAULT_HELPER_PORT, LOCAL_HELPER_HOSTS};
use std::fmt;

/// How the wizard starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModeChoice {
    /// Connected when a helper answers on the wizard's own origin, else guided with an offer to
    /// connect to the helper on this computer.
    #[default]
    Auto,
    /// Offers the helper on this computer first (guidance stays one click away).
    Connected,
    /// Guidance only: no helper is looked for.
    Guided,
}

/// A web origin (`scheme://host[:port]`, nothing after), as browsers compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// Checks `text` is exactly an http or https origin.
    pub fn parse(text: &str) -> Option<Origin> {
        let lower = text.trim().to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))?;
        let (host, port) = split_host_port(rest)?;
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b));
        (host_ok && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0)))
            .then(|| Origin(lower.clone()))
    }

    /// The origin as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or("", |(_, rest)| rest);
        split_host_port(rest).map_or("", |(host, _)| host)
    }

    fn is_plain_http(&self) -> bool {
        self.0.starts_with("http://")
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits `host[:port]` (IPv6 in brackets); `None` when anything follows (a path, a query, a user).
fn split_host_port(rest: &str) -> Option<(&str, Option<&str>)> {
    if rest.contains(['/', '?', '#', '@', '\\']) {
        return None;
    }
    if rest.starts_with('[') {
        let end = rest.find(']')?;
        let (host, after) = rest.split_at(end + 1);
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    Some(match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    })
}

/// The helper (reset-proxy) the wizard may offer to connect to, once the person agrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Helper {
    /// On this computer: `http://127.0.0.1:<port>` or `http://localhost:<port>`.
    ThisComputer(Origin),
    /// The origin the wizard itself is served from (a proxy serving the wizard).
    OwnOrigin,
}

impl Helper {
    /// The default: reset-proxy's default address on this computer.
    pub fn default_local() -> Helper {
        Helper::ThisComputer(Origin(format!(
            "http://{}:{DEFAULT_HELPER_PORT}",
            LOCAL_HELPER_HOSTS[0]
        )))
    }

    /// Accepts `text` only when it names this computer (plain HTTP with a port) or `own`.
    pub fn parse(text: &str, own: Option<&Origin>) -> Option<Helper> {
        let origin = Origin::parse(text)?;
        if own == Some(&origin) {
            return Some(Helper::OwnOrigin);
        }
        let local = origin.is_plain_http()
            && LOCAL_HELPER_HOSTS.contains(&origin.host())
            && origin.as_str().matches(':').count() == 2;
        local.then_some(Helper::ThisComputer(origin))
    }

    /// The base every API path is appended to (`""` for the wizard's own origin).
    pub fn base(&self) -> &str {
        match self {
            Helper::ThisComputer(origin) => origin.as_str(),
            Helper::OwnOrigin => "",
        }
    }
}

/// One option the wizard did not accept, for the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The option's name.
    pub option: String,
    /// Why, in a few words.
    pub reason: &'static str,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "reset wizard: option \"{}\" ignored: {}",
            self.option, self.reason
        )
    }
}

/// Everything an embedder chose, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedOptions {
    /// The embedding page, when the wizard runs in its frame: where events go.
    pub host: Option<Origin>,
    /// How the wizard starts.
    pub mode: ModeChoice,
    /// Where the exported QR code is e-mailed.
    pub mailbox: &'static RecoveryMailbox,
    /// The helper the person may connect to.
    pub helper: Helper,
    /// Colours, checked for contrast.
    pub theme: Theme,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            host: None,
            mode: ModeChoice::Auto,
            mailbox: recovery_mailbox(protocol::profile::DEFAULT_MAILBOX_KEY),
            helper: Helper::default_local(),
            theme: Theme::default(),
        }
    }
}

/// The options the wizard reads; `lang` and `step` belong to other modules.
const KNOWN: [&str; 10] = [
    "embed",
    "host",
    "mode",
    "mailbox",
    "proxy",
    "scheme",
    "accent",
    "accent-dark",
    "lang",
    "step",
];

impl EmbedOptions {
    /// Reads the options in `query` (`?a=b&…`, form-encoded) for a wizard served from `own`.
    pub fn from_query(query: &str, own: Option<&Origin>) -> (EmbedOptions, Vec<Rejected>) {
        let mut options = EmbedOptions::default();
        let mut rejected = Vec::new();
        let mut reject = |option: &str, reason| {
            rejected.push(Rejected {
                option: option.to_string(),
                reason,
            })
        };
        for (key, value) in crate::wizard::route::query_pairs(query) {
            let value = value.trim();
            match key.as_ref() {
                "host" => match Origin::parse(value) {
                    Some(origin) => options.host = Some(origin),
                    None => reject("host", "not an http(s) origin"),
                },
                "mode" => match value {
                    "auto" => options.mode = ModeChoice::Auto,
                    "connected" => options.mode = ModeChoice::Connected,
                    "guided" => options.mode = ModeChoice::Guided,
                    _ => reject("mode", "expected auto, connected or guided"),
                },
                "mailbox" => match find_recovery_mailbox(value) {
                    Some(mailbox) => options.mailbox = mailbox,
                    None => reject(
                        "mailbox",
                        "not a mailbox key from the wizard's table (addresses are never accepted)",
                    ),
                },
                "proxy" => match Helper::parse(value, own) {
                    Some(helper) => options.helper = helper,
                    None => reject(
                        "proxy",
                        "only http://127.0.0.1:<port>, http://localhost:<port> or the wizard's own origin",
                    ),
                },
                "scheme" => match Scheme::parse(value) {
                    Some(scheme) => options.theme.scheme = scheme,
                    None => reject("scheme", "expected auto, light or dark"),
                },
                "accent" => {
                    if let Err(reason) = options.theme.set_accent(Scheme::Light, value) {
                        reject("accent", reason);
                    }
                }
                "accent-dark" => {
                    if let Err(reason) = options.theme.set_accent(Scheme::Dark, value) {
                        reject("accent-dark", reason);
                    }
                }
                "embed" => {}
                other if KNOWN.contains(&other) => {}
                other => reject(other, "unknown option"),
            }
        }
        (options, rejected)
    }

    /// Whether the wizard runs inside an embedding page's frame.
    pub fn embedded(&self) -> bool {
        self.host.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> Origin {
        Origin::parse("https://wizard.example").unwrap_or_else(|| unreachable!())
    }

    fn read(query: &str) -> (EmbedOptions, Vec<String>) {
        let (options, rejected) = EmbedOptions::from_query(query, Some(&own()));
        (options, rejected.into_iter().map(|r| r.option).collect())
    }

    #[test]
    fn origins_are_exactly_scheme_host_and_port() {
        for ok in [
            "https://help.example",
            "http://127.0.0.1:8080",
            "HTTPS://Help.Example:8443",
            "http://[::1]:8080",
        ] {
            assert!(Origin::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "help.example",
            "javascript:alert(1)",
            "https://help.example/path",
            "https://user@help.example",
            "https://help.example?x",
            "https://help.example:99999",
            "https://help.example:0",
            "https://",
            "ftp://help.example",
            "https://exa mple.com",
            "https://help.example\\@evil.example",
        ] {
            assert!(Origin::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_helper_is_this_computer_or_the_wizards_own_origin_only() {
        let own = own();
        assert_eq!(
            Helper::parse("http://127.0.0.1:9000", Some(&own)).map(|h| h.base().to_string()),
            Some("http://127.0.0.1:9000".into())
        );
        assert!(Helper::parse("http://localhost:8080", Some(&own)).is_some());
        assert_eq!(
            Helper::parse("https://wizard.example", Some(&own)),
            Some(Helper::OwnOrigin)
        );
        for foreign in [
            "https://evil.example",
            "http://192.168.1.20:8080",
            "http://127.0.0.1",
            "https://127.0.0.1:8443",
            "http://localhost.evil.example:8080",
            "http://127.0.0.2:8080",
            "http://[::1]:8080",
        ] {
            assert_eq!(Helper::parse(foreign, Some(&own)), None, "{foreign}");
        }
        assert_eq!(
            Helper::default_local().base(),
            format!("http://127.0.0.1:{DEFAULT_HELPER_PORT}")
        );
    }

    #[test]
    fn good_options_are_taken() {
        let (options, rejected) = read(
            "?embed=1&host=https%3A%2F%2Fhelp.example&mode=guided&mailbox=guarding-vision\
             &proxy=http%3A%2F%2F127.0.0.1%3A9000&scheme=dark&accent=%230b5cad&lang=ar&step=qr-code",
        );
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(
            options.host.as_ref().map(Origin::as_str),
            Some("https://help.example")
        );
        assert!(options.embedded());
        assert_eq!(options.mode, ModeChoice::Guided);
        assert_eq!(options.mailbox.address, "pw_recovery@device-service.com");
        assert_eq!(options.helper.base(), "http://127.0.0.1:9000");
        assert_eq!(options.theme.scheme, Scheme::Dark);
    }

    #[test]
    fn hostile_options_fall_back_to_the_defaults_and_are_reported() {
        let (options, rejected) = read(
            "?mailbox=attacker%40evil.example&proxy=https%3A%2F%2Fevil.example\
             &mode=root&accent=red%3Bbackground%3Aurl(x)&host=javascript%3Aalert(1)&style=x",
        );
        assert_eq!(options, EmbedOptions::default());
        assert_eq!(
            rejected,
            ["mailbox", "proxy", "mode", "accent", "host", "style"]
        );
        assert!(!options.embedded());
    }
}
