//! Serves the device's router over plain TCP or TLS, one hyper connection per client, with the
//! fault table consulted first: faults act below HTTP, so a "reset" really resets the socket.

use crate::faults::{self, Fault};
use crate::state::Device;
use crate::tls::CertStore;
use axum::body::Body;
use axum::http::{Request, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
#[cfg(unix)]
use std::os::fd::OwnedFd as OwnedSocket;
#[cfg(windows)]
use std::os::windows::io::OwnedSocket;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tower::ServiceExt as _;

/// Returned to hyper to close a connection without an answer.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct Dropped;

/// Accepts connections until the task is aborted; aborting also ends every open connection.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    device: Arc<Device>,
    tls: Option<Arc<CertStore>>,
) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(%err, "devsim accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        connections.spawn(connection(
            stream,
            router.clone(),
            device.clone(),
            tls.clone(),
        ));
    }
}

async fn connection(
    stream: TcpStream,
    router: Router,
    device: Arc<Device>,
    tls: Option<Arc<CertStore>>,
) {
    // A second handle on the socket, so a fault can set SO_LINGER 0 after hyper owns the stream.
    let resetter = Arc::new(second_handle(&stream));
    let service = hyper::service::service_fn(move |request| {
        answer(request, router.clone(), device.clone(), resetter.clone())
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new());
    let served = match tls {
        None => {
            builder
                .serve_connection(TokioIo::new(stream), service)
                .await
        }
        Some(store) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(store.server_config());
            match acceptor.accept(stream).await {
                Ok(stream) => {
                    builder
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                }
                Err(err) => {
                    tracing::debug!(%err, "devsim TLS handshake failed");
                    return;
                }
            }
        }
    };
    if let Err(err) = served {
        tracing::debug!(%err, "devsim connection ended");
    }
}

/// Another handle on the same socket (Unix file descriptor or Windows socket: the demo device
/// runs inside the Windows helper too).
fn second_handle(stream: &TcpStream) -> Option<OwnedSocket> {
    #[cfg(unix)]
    use std::os::fd::AsFd as AsSocket;
    #[cfg(windows)]
    use std::os::windows::io::AsSocket;
    #[cfg(unix)]
    let borrowed = stream.as_fd();
    #[cfg(windows)]
    let borrowed = stream.as_socket();
    borrowed.try_clone_to_owned().ok()
}

async fn answer(
    request: Request<Incoming>,
    router: Router,
    device: Arc<Device>,
    resetter: Arc<Option<OwnedSocket>>,
) -> Result<Response<Body>, Dropped> {
    let path = request.uri().path();
    // The control endpoints never fail, or a test could not lift the faults it set.
    let fault = if path.starts_with("/devsim/") {
        None
    } else {
        device.faults.strike(path)
    };
    let Some(fault) = fault else {
        return Ok(into_response(router.oneshot(request).await));
    };
    if fault == Fault::Reset {
        if let Some(fd) = resetter.as_ref() {
            // Linger 0 turns the close into an RST, which is what a crashing device sends.
            let _ = socket2::SockRef::from(fd).set_linger(Some(std::time::Duration::ZERO));
        }
        return Err(Dropped);
    }
    if let Fault::DropAnswer { .. } = fault {
        // The device acts; hyper then closes the connection (FIN, not a reset) unanswered.
        let _ = router.oneshot(request).await;
        return Err(Dropped);
    }
    if let Some(delay) = fault.delay() {
        tokio::time::sleep(delay).await;
    }
    if let Some(replacement) = fault.replacement(device.style.namespace) {
        return Ok(replacement);
    }
    let response = into_response(router.oneshot(request).await);
    Ok(if fault == Fault::Truncated {
        faults::truncate(response).await
    } else {
        response
    })
}

fn into_response(result: Result<Response<Body>, std::convert::Infallible>) -> Response<Body> {
    match result {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
