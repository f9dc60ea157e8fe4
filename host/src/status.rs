//! The HTTP status of a task's error code, for every route that answers one
//! (the API and the OData feed).

use axum::http::StatusCode;

use crate::protocol::ErrorCode;

/// The HTTP status for an error code.
pub fn status_for(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Limit => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Upstream => StatusCode::BAD_GATEWAY,
        ErrorCode::Throttled => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
