//! The proxy's own sockets are bounded: a client that never finishes its request head, or sits
//! idle on a kept-alive connection, or never finishes a TLS handshake, is disconnected; beyond
//! the cap on open connections, new ones are closed instead of piling up; a normal request still
//! works afterwards. Real loopback sockets; the limits are short here, the bound on each wait
//! (`BOUND`) generous.
#![allow(clippy::unwrap_used)]

use crate::support;

use reset_proxy::{Bound, Config};
use std::net::SocketAddr;
use std::time::Duration;
use support::{config, get};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The most any disconnection here may take; the limits under test are a second or two.
const BOUND: Duration = Duration::from_secs(30);

/// A proxy whose connection limits are short enough for a test.
fn short_limits() -> Config {
    let mut config = config(&[]);
    config.connections.header_read = Duration::from_secs(1);
    config.connections.tls_handshake = Duration::from_secs(1);
    config.connections.slot_wait = Duration::from_millis(100);
    config
}

async fn start(config: Config) -> SocketAddr {
    let bound = Bound::bind(config).await.unwrap();
    let addr = bound.local_addr().unwrap();
    tokio::spawn(bound.serve(std::future::pending()));
    addr
}

/// Whether the peer has closed `stream`: reads until end of stream (answers, if any, are
/// skipped) or an error; `false` when it is still open at `deadline`.
async fn closed_by(stream: &mut TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// Whether `stream` is still open right now, without waiting.
fn still_open(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 1];
    matches!(stream.try_read(&mut buf), Err(err) if err.kind() == std::io::ErrorKind::WouldBlock)
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let proxy = start(short_limits()).await;
    let mut slow = TcpStream::connect(proxy).await.unwrap();
    slow.write_all(format!("GET /api/v1/health HTTP/1.1\r\nHost: {proxy}\r\n").as_bytes())
        .await
        .unwrap();
    // One more header line now and then, never the blank line that ends the head.
    let deadline = Instant::now() + BOUND;
    let mut closed = false;
    for n in 0.. {
        if Instant::now() >= deadline {
            break;
        }
        if slow
            .write_all(format!("X-Slow-{n}: x\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        let pause = (Instant::now() + Duration::from_millis(300)).min(deadline);
        if closed_by(&mut slow, pause).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "a client trickling its headers was still connected");

    let answer = get(proxy, "health").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let proxy = start(short_limits()).await;
    let mut idle = TcpStream::connect(proxy).await.unwrap();
    let request =
        format!("GET /api/v1/health HTTP/1.1\r\nHost: {proxy}\r\nx-reset-wizard: 1\r\n\r\n");
    idle.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(idle.read(&mut byte).await.unwrap(), 1, "the proxy answered");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 200"));
    // Kept alive, then left idle: the proxy closes it.
    assert!(closed_by(&mut idle, Instant::now() + BOUND).await);
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_instead_of_piling_up() {
    let mut config = short_limits();
    config.connections.max_open = 4;
    // The connections holding the slots are slow, but not cut while the test watches them.
    config.connections.header_read = Duration::from_secs(120);
    let proxy = start(config).await;

    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(proxy).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    // The proxy serves those four; everyone after them waits a moment and is closed.
    let extras: Vec<_> = (0..40)
        .map(|_| {
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(proxy).await.unwrap();
                let _ = stream.write_all(b"GET / HTTP/1.1\r\n").await;
                closed_by(&mut stream, Instant::now() + BOUND).await
            })
        })
        .collect();
    for extra in extras {
        assert!(
            extra.await.unwrap(),
            "a connection beyond the cap stayed open"
        );
    }
    for stream in &held {
        assert!(still_open(stream), "a connection within the cap was closed");
    }

    // Once the slots are free again, a normal request is served.
    drop(held);
    let answer = get(proxy, "health").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn a_tls_client_that_never_finishes_its_handshake_is_disconnected() {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let dir = std::env::temp_dir().join(format!("reset-proxy-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let mut config = short_limits();
    config.tls = Some(reset_proxy::TlsFiles { cert, key });
    let proxy = start(config).await;

    // Connects and says nothing: no ClientHello ever comes.
    let mut silent = TcpStream::connect(proxy).await.unwrap();
    assert!(closed_by(&mut silent, Instant::now() + BOUND).await);
    let _ = std::fs::remove_dir_all(dir);
}

/// A connection to `proxy` from the loopback address `from`, as another host would connect.
async fn connect_from(from: [u8; 4], proxy: SocketAddr) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(proxy).await.unwrap()
}

#[tokio::test]
async fn one_client_cannot_take_every_slot() {
    let mut config = short_limits();
    config.connections.max_open = 64;
    config.connections.per_client = 4;
    config.connections.header_read = Duration::from_secs(120);
    let proxy = start(config).await;

    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = connect_from([127, 0, 0, 1], proxy).await;
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    // Its fifth is closed at once, though most slots are free...
    let mut fifth = connect_from([127, 0, 0, 1], proxy).await;
    let _ = fifth.write_all(b"GET / HTTP/1.1\r\n").await;
    assert!(closed_by(&mut fifth, Instant::now() + BOUND).await);
    for stream in &held {
        assert!(
            still_open(stream),
            "a connection within its share was closed"
        );
    }
    // ...and another host is served meanwhile.
    let mut other = connect_from([127, 0, 0, 2], proxy).await;
    other
        .write_all(
            format!(
                "GET /api/v1/health HTTP/1.1\r\nHost: {proxy}\r\nx-reset-wizard: 1\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(BOUND, other.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
