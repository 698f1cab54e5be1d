//! A real inbox server for tests: 127.0.0.1 on a free port, its own tokio runtime on a
//! thread, stopped gracefully when dropped.

use std::net::SocketAddr;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use deflect_server::{self as inbox, InboxOptions, Store};
use tokio::sync::oneshot;

pub struct RunningInbox {
    /// e.g. `http://127.0.0.1:41234`
    pub base: String,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RunningInbox {
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
                inbox::serve(listener, store, options, shutdown)
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

/// A client that returns 4xx/5xx responses instead of turning them into errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}
