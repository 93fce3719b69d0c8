//! Errors as the service answers them: a status and `{"error": {"kind", "message"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answer.
#[derive(Clone, Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable kind: `unauthorized`, `forbidden`, `not_found`, `invalid_input`, `busy`,
    /// `timeout`, `too_large`, `store`, `allocate`, `invalid_agreement` (and, with the
    /// problems beside it, `invalid_ledger`).
    pub kind: &'static str,
    /// What went wrong, for people (never a path of the server's machine).
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A store failure: logged in full on the server's standard error, answered without the
    /// path or the SQL.
    pub(crate) fn store(e: impl std::fmt::Display) -> Self {
        eprintln!("duijie serve: store: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store",
            "the store could not be read or written (the server's log says why)",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.kind, self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"kind": self.kind, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}
