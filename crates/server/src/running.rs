//! An inbox running in the background of a test or a benchmark: on a free loopback
//! port, on its own thread and tokio runtime, so blocking clients can call it, and
//! stopped gracefully when dropped, so no test leaves a server or a request behind.

use std::net::SocketAddr;
use std::thread::{self, JoinHandle};

use tokio::sync::oneshot;

use super::{InboxOptions, Store, serve};

/// A served inbox; dropping it stops the server, lets in-flight requests finish and
/// joins its thread.
pub struct RunningInbox {
    /// e.g. `http://127.0.0.1:41234`
    pub base: String,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RunningInbox {
    /// Serves `store` on 127.0.0.1 at a port the system picks.
    ///
    /// # Panics
    /// If no loopback port or runtime can be had; dropping it panics if the server failed.
    pub fn start(store: Store, options: InboxOptions) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind free port");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let addr: SocketAddr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let shutdown = async {
                    let _ = rx.await;
                };
                serve(listener, store, options, shutdown)
                    .await
                    .expect("server runs");
            });
        });
        RunningInbox {
            base: format!("http://{addr}"),
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for RunningInbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
            && !thread::panicking()
        {
            panic!("inbox server thread panicked");
        }
    }
}
