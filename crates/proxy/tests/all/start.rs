//! Double-click start over real loopback sockets: a free port is used, a port held by another
//! reset-proxy is recognised (so the browser opens there), and one held by anything else is
//! skipped for the next free port.
#![allow(clippy::unwrap_used)]

use crate::support;

use reset_proxy::start::{choose_port, reset_proxy_at, PortChoice};
use std::net::SocketAddr;
use support::{config, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A program that is not reset-proxy: it answers every request with a plain web page.
async fn other_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf).await;
                let page = "<html>someone else</html>";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_free_port_is_used_as_it_is() {
    let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let choice = choose_port(port).await.unwrap();
    assert_eq!(
        choice,
        PortChoice::Free(SocketAddr::from(([127, 0, 0, 1], port)))
    );
}

#[tokio::test]
async fn another_reset_proxy_on_the_port_is_recognised() {
    let proxy = start(config(&[])).await;
    match choose_port(proxy.port()).await.unwrap() {
        PortChoice::OtherHelper { addr, health } => {
            assert_eq!(addr, proxy);
            assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
            assert_eq!(health.api, protocol::proxy_api::API_VERSION);
        }
        other => panic!("expected the running helper to be found, got {other:?}"),
    }
}

#[tokio::test]
async fn a_port_held_by_another_program_moves_to_the_next_free_one() {
    let other = other_server().await;
    assert!(reset_proxy_at(other).await.is_none());
    match choose_port(other.port()).await.unwrap() {
        PortChoice::Moved { taken, addr } => {
            assert_eq!(taken, other);
            assert!(addr.port() > other.port());
            assert!(addr.ip().is_loopback());
            // The address offered really is free: the proxy can serve there.
            let mut moved = config(&[]);
            moved.listen = addr;
            let served = start(moved).await;
            assert_eq!(reset_proxy_at(served).await.unwrap().api, 1);
        }
        other => panic!("expected a move to a free port, got {other:?}"),
    }
}

#[tokio::test]
async fn a_silent_program_is_not_taken_for_a_helper() {
    // Accepts connections and never answers: the health question gives up after its wait.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    assert!(reset_proxy_at(addr).await.is_none());
}

/// Runs the built reset-proxy with `args` and `env` (none of the caller's RESET_PROXY_*
/// settings), its stdin an open pipe that never sends a line: a program waiting for Enter would
/// hang there, so the run is bounded and a hang fails the test.
async fn run_helper(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_reset-proxy"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RESET_PROXY_") {
            cmd.env_remove(name);
        }
    }
    cmd.args(args)
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("reset-proxy waited instead of ending after its failed start")
        .unwrap()
}

#[tokio::test]
async fn a_failed_start_without_arguments_says_why_in_plain_words_and_ends() {
    let missing = std::env::temp_dir().join(format!(
        "reset-proxy-no-such-config-{}.toml",
        std::process::id()
    ));
    let missing = missing.to_string_lossy().into_owned();
    let out = run_helper(&[], &[("RESET_PROXY_CONFIG", &missing)]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("The password-reset helper could not start."),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("What went wrong: reading {missing}")),
        "{stderr}"
    );
    // Its stdin is a pipe, not a terminal (and no console is its own here): it must not wait.
    assert!(!stderr.contains("Press Enter"), "{stderr}");
}

#[tokio::test]
async fn a_failed_start_with_arguments_keeps_the_plain_error_and_ends() {
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = run_helper(&["--listen", &addr, "--no-browser"], &[]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with("Error: "), "{stderr}");
    assert!(stderr.contains(&addr), "{stderr}");
    assert!(!stderr.contains("could not start"), "{stderr}");
    drop(taken);
}
