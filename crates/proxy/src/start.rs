//! Double-click start: when nobody chose an address, pick the loopback port (or find a helper
//! already running there), open the browser, and tell the person in plain words what is going on.

use protocol::proxy_api::{Health, API_HEADER};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How many ports after the preferred one are tried before giving up.
pub const PORTS_TRIED: u16 = 20;

/// How long another program on the port may take to answer the health question.
const HEALTH_WAIT: Duration = Duration::from_secs(2);

/// The largest health answer read from another program (a real one is about 200 bytes).
const HEALTH_ANSWER_LIMIT: usize = 16 * 1024;

/// What to do about the loopback port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortChoice {
    /// The preferred port is free: serve there.
    Free(SocketAddr),
    /// Another reset-proxy already serves there: open the browser at it and stop.
    OtherHelper {
        /// Where it serves.
        addr: SocketAddr,
        /// What it said about itself.
        health: Health,
    },
    /// Something else holds the preferred port: serve on the next free one.
    Moved {
        /// The port that was taken.
        taken: SocketAddr,
        /// The free address to serve on.
        addr: SocketAddr,
    },
}

/// Why no port could be chosen.
#[derive(Debug, thiserror::Error)]
#[error("ports {first} to {last} on 127.0.0.1 are all taken by other programs")]
pub struct NoFreePort {
    first: u16,
    last: u16,
}

/// Looks at `127.0.0.1:preferred`: free, another reset-proxy, or something else (then the
/// next free port among the following [`PORTS_TRIED`]).
pub async fn choose_port(preferred: u16) -> Result<PortChoice, NoFreePort> {
    let wanted = SocketAddr::from((Ipv4Addr::LOCALHOST, preferred));
    if port_is_free(wanted).await {
        return Ok(PortChoice::Free(wanted));
    }
    if let Some(health) = reset_proxy_at(wanted).await {
        return Ok(PortChoice::OtherHelper {
            addr: wanted,
            health,
        });
    }
    let last = preferred.saturating_add(PORTS_TRIED);
    for port in preferred.saturating_add(1)..=last {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        if port_is_free(addr).await {
            return Ok(PortChoice::Moved {
                taken: wanted,
                addr,
            });
        }
    }
    Err(NoFreePort {
        first: preferred,
        last,
    })
}

/// Whether `addr` can be bound now (the listener is dropped at once; the proxy binds it again).
async fn port_is_free(addr: SocketAddr) -> bool {
    TcpListener::bind(addr).await.is_ok()
}

/// Asks `addr` the helper's health question the way the wizard does; `Some` only when the
/// answer is a reset-proxy's health document.
pub async fn reset_proxy_at(addr: SocketAddr) -> Option<Health> {
    tokio::time::timeout(HEALTH_WAIT, ask_health(addr))
        .await
        .ok()
        .flatten()
}

async fn ask_health(addr: SocketAddr) -> Option<Health> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    // The proxy's browser guard wants a loopback Host and the wizard's header on the API.
    let request = format!(
        "GET /api/v1/health HTTP/1.1\r\nHost: {addr}\r\n{API_HEADER}: 1\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream
        .take(HEALTH_ANSWER_LIMIT as u64)
        .read_to_end(&mut answer)
        .await
        .ok()?;
    let text = std::str::from_utf8(&answer).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.1 200") {
        return None;
    }
    serde_json::from_str(body.trim()).ok()
}

/// Opens the default browser at `url`; the error text says what to do by hand.
pub fn open_browser(url: &str) -> Result<(), String> {
    opener::open_browser(url)
        .map_err(|e| format!("could not open a browser ({e}); open {url} in your browser yourself"))
}

/// The first words the person reads: what this is, where the wizard is, how to stop it, what
/// it sends and keeps, and (on Windows) the firewall question SADP discovery causes.
pub fn greeting(url: &str, moved_from: Option<SocketAddr>, record: bool, windows: bool) -> String {
    let mut text = String::new();
    text.push_str(&format!(
        "Password-reset helper (reset-proxy {})\n\n",
        env!("CARGO_PKG_VERSION")
    ));
    text.push_str(
        "This small program lets the password-reset wizard in your browser find your camera or\n\
         recorder on this network and talk to it.\n\n",
    );
    if let Some(taken) = moved_from {
        text.push_str(&format!(
            "Another program already uses {taken}, so the helper uses the next free address.\n"
        ));
    }
    text.push_str(&format!("The wizard is at:  {url}\n"));
    text.push_str(
        "If your browser does not open it by itself, copy that address into your browser.\n\n\
         Keep this window open while you use the wizard: it needs the helper.\n\
         Closing this window (or pressing Ctrl+C) stops the helper.\n\n",
    );
    text.push_str(
        "Privacy: the helper sends only SADP discovery messages on your local network (the\n\
         question \"which cameras are here?\") and HTTP(S) requests to the one device you choose\n\
         in the wizard. Nothing else goes out: no telemetry, no updates, no accounts.\n",
    );
    if record {
        text.push_str(
            "It writes a redacted record of each exchange with the device to the file you gave\n\
             with --record, and nothing else to disk.\n",
        );
    } else {
        text.push_str("It keeps nothing on disk.\n");
    }
    if windows {
        text.push_str(
            "\nWindows may now ask whether reset-proxy may communicate on networks (\"Windows\n\
             Defender Firewall has blocked some features of this app\"). That is the device search:\n\
             cameras answer it over the local network. Allow it on private networks to let the\n\
             wizard find them; if you cancel, the wizard still works when you type the device's\n\
             IP address.\n",
        );
    }
    text
}

/// Whether a failed start waits for Enter before the program ends. Only a double-click start
/// on Windows needs it: its console window belongs to this program alone and closes the moment
/// it exits, so the person would never read why. Never when arguments were given or stdin is
/// not a terminal (a script, a service, a test), which would then hang; never on other systems,
/// where the helper runs in a terminal the person opened, which stays open.
pub fn pause_after_failure(
    arguments_given: bool,
    stdin_is_terminal: bool,
    console_is_ours_alone: bool,
) -> bool {
    !arguments_given && stdin_is_terminal && console_is_ours_alone
}

/// Whether this program is the only one attached to its console: true when Windows made the
/// console for it (a double-click), false when it runs in a Command Prompt or PowerShell window,
/// which stays open after it ends. Always false on other systems.
pub fn console_is_ours_alone() -> bool {
    #[cfg(windows)]
    {
        let mut ids = [0u32; 2];
        // SAFETY: the buffer holds `ids.len()` process ids, the count passed; Windows writes at
        // most that many and returns how many processes share the console (0 on error).
        let attached = unsafe {
            windows_sys::Win32::System::Console::GetConsoleProcessList(
                ids.as_mut_ptr(),
                ids.len() as u32,
            )
        };
        attached == 1
    }
    #[cfg(not(windows))]
    {
        false
    }
}

/// What a double-clicked helper says when it cannot start: the reason, in the words of the
/// error chain, and (when it waits) how to close the window.
pub fn failure_text(why: &str, waits_for_enter: bool) -> String {
    let mut text = format!(
        "\nThe password-reset helper could not start.\n\nWhat went wrong: {why}\n\n\
         You can start the helper again; if this keeps happening, please include this\n\
         message when you ask for help.\n"
    );
    if waits_for_enter {
        text.push_str("\nPress Enter to close this window.\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greeting_says_where_and_how_to_stop() {
        let text = greeting("http://127.0.0.1:8080/", None, false, false);
        assert!(text.contains("http://127.0.0.1:8080/"));
        assert!(text.contains("Keep this window open"));
        assert!(text.contains("Closing this window"));
        assert!(text.contains("no telemetry"));
        assert!(text.contains("keeps nothing on disk"));
        assert!(!text.contains("Firewall"));
    }

    #[test]
    fn greeting_on_windows_explains_the_firewall_first() {
        let text = greeting("http://127.0.0.1:8081/", None, true, true);
        assert!(text.contains("Defender Firewall has blocked"));
        assert!(text.contains("--record"));
        assert!(!text.contains("keeps nothing on disk"));
    }

    #[test]
    fn greeting_names_the_taken_address() {
        let taken = SocketAddr::from((Ipv4Addr::LOCALHOST, 8080));
        let text = greeting("http://127.0.0.1:8081/", Some(taken), false, false);
        assert!(text.contains("Another program already uses 127.0.0.1:8080"));
    }

    #[test]
    fn only_an_interactive_double_click_waits_after_a_failure() {
        assert!(pause_after_failure(false, true, true));
        assert!(!pause_after_failure(true, true, true), "arguments given");
        assert!(
            !pause_after_failure(false, false, true),
            "stdin is no terminal"
        );
        assert!(
            !pause_after_failure(false, true, false),
            "a console shared with a shell"
        );
    }

    #[test]
    fn a_failure_is_told_in_plain_words() {
        let why = "listening on 127.0.0.1:8080: address in use";
        let waiting = failure_text(why, true);
        assert!(waiting.contains("could not start"));
        assert!(waiting.contains(why));
        assert!(waiting.contains("Press Enter to close this window"));
        assert!(!failure_text(why, false).contains("Press Enter"));
    }

    #[cfg(not(windows))]
    #[test]
    fn no_console_is_owned_outside_windows() {
        assert!(!console_is_ours_alone());
    }
}
