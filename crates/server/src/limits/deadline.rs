//! A request's body must arrive within a set time of its headers. A client that drips
//! a byte every few seconds would otherwise hold its connection, its task and a slot of
//! the per-address connection bound for as long as it likes; past the deadline reading
//! the body fails with [`BodyTimedOut`], which the endpoints answer 408.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use tokio::time::{Sleep, sleep};

/// The body did not arrive in time; carries the time it had.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the request body did not arrive within {} s", .0.as_secs_f64())]
pub(crate) struct BodyTimedOut(pub Duration);

/// Whether reading a body failed because its deadline passed.
pub(crate) fn timed_out(err: &axum::Error) -> Option<BodyTimedOut> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = source {
        if let Some(timed_out) = err.downcast_ref::<BodyTimedOut>() {
            return Some(*timed_out);
        }
        source = err.source();
    }
    None
}

/// A body that fails once `deadline` has passed while it still waits for data.
struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
    limit: Duration,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        // Data already here is taken even at the deadline: only waiting is bounded.
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut(self.limit))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: gives the body of every request `limit` from now to arrive.
pub(crate) async fn limit_body_time(
    State(limit): State<Duration>,
    req: Request,
    next: Next,
) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let (parts, inner) = req.into_parts();
    let body = DeadlineBody {
        inner,
        deadline: Box::pin(sleep(limit)),
        limit,
    };
    next.run(Request::from_parts(parts, Body::new(body))).await
}
