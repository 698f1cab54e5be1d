//! The inbox's own accept loop, because `axum::serve` has no header timeout: a client
//! that opens a connection and never finishes its headers would hold it forever, and
//! some thousands of them starve everyone else. Here every connection must send its
//! headers within [`Limits::header_timeout`] (an idle keep-alive connection too), and
//! connections beyond [`Limits::max_connections`], or beyond
//! [`Limits::max_connections_per_ip`] from one address, are closed as soon as accepted.
//! Shutdown stays graceful: in-flight requests are answered before it returns.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::Limits;
use super::rate::client_of;

/// How long accepting pauses after the system refused a connection (e.g. out of file
/// descriptors), so the loop does not spin while nothing can be accepted.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Connections open now, in total and per address.
#[derive(Debug, Default)]
struct OpenConnections {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

/// Admits connections within the bounds; each admitted one holds a [`Slot`].
#[derive(Debug, Clone)]
struct Bounds {
    open: Arc<Mutex<OpenConnections>>,
    max_total: usize,
    /// `None` behind a proxy, where every connection comes from its address.
    max_per_ip: Option<usize>,
}

/// An admitted connection; dropping it frees its place.
struct Slot {
    open: Arc<Mutex<OpenConnections>>,
    ip: IpAddr,
}

impl Bounds {
    fn new(limits: &Limits) -> Self {
        Self {
            open: Arc::default(),
            max_total: limits.max_connections.max(1),
            max_per_ip: (!limits.trust_proxy_headers)
                .then_some(limits.max_connections_per_ip.max(1)),
        }
    }

    fn admit(&self, ip: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let mine = open.per_ip.get(&ip).copied().unwrap_or(0);
        if open.total >= self.max_total || self.max_per_ip.is_some_and(|max| mine >= max) {
            return None;
        }
        open.total += 1;
        *open.per_ip.entry(ip).or_default() += 1;
        Some(Slot {
            open: Arc::clone(&self.open),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total -= 1;
        if let Some(mine) = open.per_ip.get_mut(&self.ip) {
            *mine -= 1;
            if *mine == 0 {
                open.per_ip.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then waits
/// for the requests in flight. Handlers see the peer as `ConnectInfo<SocketAddr>`.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let bounds = Bounds::new(limits);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    eprintln!("deflect inbox: could not accept a connection: {err}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Over a bound: dropping the stream closes it before a byte is read.
        let Some(slot) = bounds.admit(client_of(peer.ip())) else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A timeout or a client gone mid-request ends only its own connection.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_count_open_connections_in_total_and_per_address_and_free_them_on_drop() {
        let bounds = Bounds::new(&Limits {
            max_connections: 3,
            max_connections_per_ip: 2,
            ..Limits::default()
        });
        let (a, b, c) = (
            "10.0.0.1".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
            "10.0.0.3".parse().unwrap(),
        );
        let first = bounds.admit(a).expect("first from a");
        let _second = bounds.admit(a).expect("second from a");
        assert!(bounds.admit(a).is_none(), "a third from one address");
        let _third = bounds.admit(b).expect("first from b");
        assert!(bounds.admit(c).is_none(), "a fourth in total");
        drop(first);
        assert!(
            bounds.admit(c).is_some(),
            "a closed connection frees its place"
        );
    }
}
