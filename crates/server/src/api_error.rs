//! The one error type of the inbox's HTTP endpoints, so every refusal reaches the
//! client the same way: a status and `{"error": "..."}` saying what to fix.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::store::StoreError;

/// A client or server error answered as `{"error": "..."}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// Logs the detail server-side and tells the client only that it was our fault.
    pub(crate) fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        eprintln!("deflect inbox: {context}: {err}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{context}; try again"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(json!({ "error": self.message }))).into_response()
    }
}

/// Runs a blocking store call off the async workers (SQLite fsyncs on every commit);
/// a full ticket is the client's 413/422, any other failure a 500 that says `context`.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
    context: &str,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(StoreError::Cap(cap))) => Err(ApiError::new(cap.status(), cap.to_string())),
        Ok(Err(err)) => Err(ApiError::internal(context, err)),
        Err(join) => Err(ApiError::internal(context, join)),
    }
}
