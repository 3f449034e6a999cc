//! JSON request bodies: one parser that names the field at fault.

use serde::de::DeserializeOwned;

use super::error::{ApiError, ApiResult};

/// Parses a JSON body, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let err = ApiError::bad_request(
            "invalid_json",
            format!("请求内容有误 (invalid request body): {inner}"),
        );
        if path == "." {
            err
        } else {
            err.field(path)
        }
    })
}
