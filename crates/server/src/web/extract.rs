//! Path and query extractors whose refusals are the API's JSON error
//! envelope (axum's own answer in plain text, which the OpenAPI document
//! does not describe).

use axum::extract::FromRequestParts;

use super::error::ApiError;

/// `axum::extract::Path`, refusing with a JSON 400 `invalid_path`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// `axum::extract::Query`, refusing with a JSON 400 `invalid_query`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);
