//! The one error type every handler returns, and its single mapping to HTTP.
//!
//! Client mistakes come back as JSON `{ "error": code, "message": text }` with a 4xx status —
//! a JSON body that cannot be read too ([`JsonBody`]), where axum would answer in plain text.
//! Storage failures are logged in full and reported to the client only as a 500, since their
//! details (paths, SQL) help an attacker more than a field worker.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::store::StoreError;
use crate::sync::SyncError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Unauthorized(String),
    /// A valid login of an account an admin disabled: told apart from [`Self::Unauthorized`]
    /// because logging in again cannot help (the device seals itself). Only to a holder of
    /// the account's token: a login attempt of a disabled account reads as a wrong password.
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("too many login attempts; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("expected Content-Type {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::UnknownPosition(message) => ApiError::BadRequest {
                code: pingan_shared::sync::protocol::UNKNOWN_POSITION,
                message,
            },
            SyncError::Store(error) => ApiError::Store(error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, *code),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::AccountDisabled => (
                StatusCode::UNAUTHORIZED,
                pingan_shared::sync::protocol::ACCOUNT_DISABLED,
            ),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::UnsupportedMediaType { .. } => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
            }
            ApiError::Store(error) => {
                tracing::error!(%error, "storage failure");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let message = match status {
            StatusCode::INTERNAL_SERVER_ERROR => {
                "internal server error; nothing was stored".to_owned()
            }
            _ => self.to_string(),
        };
        let mut response = (
            status,
            Json(serde_json::json!({ "error": code, "message": message })),
        )
            .into_response();
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
        }
        response
    }
}

/// A JSON request body, like `axum::Json`, whose rejections are [`ApiError`]s: a body that is
/// not JSON, lacks a key or has a wrong value is a 400 `malformed_body` saying what the
/// decoder found; a body not sent as `application/json` (an empty one included) a 415.
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType {
                expected: "application/json",
            }),
            Err(rejection) => Err(ApiError::bad_request(
                "malformed_body",
                rejection.body_text(),
            )),
        }
    }
}
