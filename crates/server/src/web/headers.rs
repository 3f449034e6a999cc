//! Security headers on every response. The pages carry no inline script or
//! style (the stylesheet and the one script are files under `/static/`), so
//! the Content-Security-Policy can allow this site's own files only.

use axum::http::{header, HeaderValue};
use axum::response::Response;

/// `default-src 'self'` and nothing inline; no framing by other sites, no
/// plugins, forms post only here. `data:` images for the inline icons of
/// browsers' own error pages.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the headers (a response that set its own keeps it).
pub async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    res
}
