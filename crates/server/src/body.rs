//! Reading a request body under a size cap in a way clients can actually observe.
//!
//! Most HTTP/1.1 clients write the whole body before reading the answer. If the server
//! answers 413 and closes with unread bytes in flight, the kernel resets the connection
//! and the client sees "connection reset" instead of the JSON error. So past the cap we
//! keep reading, and throwing away, a bounded amount more before answering.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};

/// How much beyond the cap is read and discarded so the 413 reaches the client; bodies
/// larger than cap + this still get the 413, but most clients will see a reset instead.
const DRAIN_BYTES: usize = 8 * 1024 * 1024;

/// Upper bound on time spent draining, so a slow sender cannot hold the task forever.
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// Why a body could not be read.
#[derive(Debug)]
pub(super) enum BodyError {
    /// The body is longer than the cap.
    TooLarge,
    /// The connection failed mid-body.
    Read(axum::Error),
}

/// Buffers `body` if it is at most `limit` bytes.
pub(super) async fn read_capped(mut body: Body, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut buf = Vec::new();
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(BodyError::Read)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers carry nothing we need
        };
        if buf.len() + data.len() > limit {
            drain(body).await;
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&data);
    }
    Ok(buf)
}

/// Discards up to [`DRAIN_BYTES`] of what is left, for at most [`DRAIN_TIME`].
async fn drain(mut body: Body) {
    let discard = async {
        let mut discarded = 0;
        while discarded < DRAIN_BYTES {
            match poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
                Some(Ok(frame)) => discarded += frame.data_ref().map_or(0, Bytes::len),
                Some(Err(_)) | None => break,
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, discard).await;
}
