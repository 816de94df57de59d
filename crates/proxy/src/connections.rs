//! Serves the proxy's accepted connections within bounds: caps on how many are open at once, in
//! all and per client, and time limits on a TLS handshake, on a request's head, on an idle
//! kept-alive connection and on a connection's whole life, so a slow, silent or endless client
//! can't hold sockets or memory.

use crate::config::ConnectionLimits;
use axum::extract::connect_info::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// A connection's read and write buffer: request heads are small and bodies are read in pieces,
/// so nothing needs hyper's default of ~400 KB per connection.
const BUFFER: usize = 64 * 1024;
/// Header lines in one request head; browsers send about twenty.
const MAX_HEADERS: usize = 64;

/// The client's address, as handlers see it (`ConnectInfo<ClientAddr>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

/// The address of the listener a request arrived on, as handlers and layers see it (the
/// pairing check tells loopback listeners from LAN ones by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalAddr(pub SocketAddr);

/// Serves `router` on `listeners` (over TLS with `tls`) within `limits` until `shutdown`
/// completes; then stops accepting, lets open connections finish their current answer, and
/// returns once they are closed (at most `limits.drain` later).
pub async fn serve(
    listeners: Vec<TcpListener>,
    tls: Option<TlsAcceptor>,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_open.max(1)));
    let clients = Arc::new(OpenPerClient::default());
    let (stop, stopped) = watch::channel(false);
    let mut acceptors = JoinSet::new();
    for listener in listeners {
        let server = Acceptor {
            tls: tls.clone(),
            router: router.clone(),
            limits,
            slots: slots.clone(),
            clients: clients.clone(),
            stopped: stopped.clone(),
        };
        acceptors.spawn(server.run(listener));
    }
    shutdown.await;
    acceptors.abort_all();
    let _ = stop.send(true);
    // Every open connection holds a slot: when all slots are back, every connection is closed.
    let all = u32::try_from(limits.max_open.max(1)).unwrap_or(u32::MAX);
    let _ =
        tokio::time::timeout(limits.drain + limits.tls_handshake, slots.acquire_many(all)).await;
}

/// One listener's accept loop and what each connection needs.
struct Acceptor {
    tls: Option<TlsAcceptor>,
    router: Router,
    limits: ConnectionLimits,
    slots: Arc<Semaphore>,
    clients: Arc<OpenPerClient>,
    stopped: watch::Receiver<bool>,
}

/// How many connections each client holds open now (IPv4 address, IPv6 /64).
#[derive(Default)]
struct OpenPerClient {
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl OpenPerClient {
    /// Counts one more connection from `peer`, unless it already holds `cap`.
    fn admit(self: &Arc<Self>, peer: IpAddr, cap: usize) -> Option<ClientSlot> {
        let key = crate::attempt_limits::client_key(peer);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(key).or_insert(0);
        if *count >= cap.max(1) {
            return None;
        }
        *count += 1;
        Some(ClientSlot {
            clients: self.clone(),
            key,
        })
    }
}

/// One connection counted against its client until it is dropped.
struct ClientSlot {
    clients: Arc<OpenPerClient>,
    key: IpAddr,
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self.clients.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl Acceptor {
    async fn run(self, listener: TcpListener) {
        let Ok(local) = listener.local_addr() else {
            tracing::warn!("a listener without an address; not serving it");
            return;
        };
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: pause rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            // A client at its own cap is turned away at once, before it can wait for a slot.
            let Some(client_slot) = self.clients.admit(peer.ip(), self.limits.per_client) else {
                tracing::debug!(%peer, "connection closed: this client holds its share");
                continue;
            };
            // One connection waits here at a time; the rest wait in the kernel's bounded backlog.
            let slot =
                tokio::time::timeout(self.limits.slot_wait, self.slots.clone().acquire_owned())
                    .await;
            let Ok(Ok(slot)) = slot else {
                tracing::debug!(%peer, "connection closed: every slot is taken");
                continue;
            };
            tokio::spawn(self.connection(stream, peer, local, (slot, client_slot)));
        }
    }

    fn connection(
        &self,
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        slot: (OwnedSemaphorePermit, ClientSlot),
    ) -> impl Future<Output = ()> + Send + 'static {
        let (tls, router, limits, stopped) = (
            self.tls.clone(),
            self.router.clone(),
            self.limits,
            self.stopped.clone(),
        );
        async move {
            // Held until the connection is closed, whichever way it ends.
            let _slot = slot;
            let _ = stream.set_nodelay(true);
            let Some(acceptor) = tls else {
                return serve_http(stream, peer, local, router, limits, stopped).await;
            };
            match tokio::time::timeout(limits.tls_handshake, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => serve_http(stream, peer, local, router, limits, stopped).await,
                Ok(Err(err)) => tracing::debug!(%peer, %err, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        }
    }
}

/// HTTP/1.1 on one connection, with the head and idle limits, until it ends, grows too old, or
/// the server stops; then the current answer may finish within `limits.drain`.
async fn serve_http<Io>(
    io: Io,
    peer: SocketAddr,
    local: SocketAddr,
    router: Router,
    limits: ConnectionLimits,
    mut stopped: watch::Receiver<bool>,
) where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        let extensions = request.extensions_mut();
        extensions.insert(ConnectInfo(ClientAddr(peer)));
        extensions.insert(LocalAddr(local));
        router.clone().oneshot(request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Counted from the first read of each head, including the wait for the next request on
        // a kept-alive connection: this is also the idle limit.
        .header_read_timeout(limits.header_read)
        .max_buf_size(BUFFER)
        .max_headers(MAX_HEADERS);
    let connection = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let ended = tokio::select! {
        result = connection.as_mut() => Some(result),
        _ = tokio::time::sleep(limits.max_age) => None,
        _ = stopped.wait_for(|stop| *stop) => None,
    };
    match ended {
        Some(Err(err)) => tracing::debug!(%peer, %err, "connection ended"),
        Some(Ok(())) => {}
        None => {
            connection.as_mut().graceful_shutdown();
            if tokio::time::timeout(limits.drain, connection)
                .await
                .is_err()
            {
                tracing::debug!(%peer, "connection cut: it did not finish in time");
            }
        }
    }
}
