//! The client's address behind a reverse proxy. Per-address limits (the
//! sign-in form, the tip line) need the visitor's address, not the proxy's;
//! but `X-Forwarded-For` is written by whoever sends the request, so it is
//! read only when the connection comes from a proxy the operator named
//! (`anju serve --trusted-proxy`, docs/operations.md). Then the client is
//! the right-most address in the header that is not itself a trusted proxy
//! (each proxy appends the address it was reached from; what a visitor
//! wrote in the header sits to the left of that and is ignored).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The client address resolved for this request (see the module).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// The address the request came from: `peer`, or when `peer` is a trusted
/// proxy, the right-most untrusted address of `X-Forwarded-For` (`peer`
/// when the header is missing or unreadable).
pub fn client_addr(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for part in header.rsplit(',') {
        let Ok(ip) = part.trim().parse::<IpAddr>() else {
            // Unreadable: nothing to its left can be trusted either.
            return client;
        };
        client = ip;
        if !trusted.contains(&ip) {
            break;
        }
    }
    client
}

/// Middleware: records [`ClientAddr`] for the `ClientIp` extractor. Its
/// state is the trusted proxies alone (not the application state, which
/// would tie this module to the session and auth modules that read it).
pub async fn resolve(
    State(trusted): State<std::sync::Arc<Vec<IpAddr>>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let header = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let ip = client_addr(peer, header, &trusted);
        req.extensions_mut().insert(ClientAddr(ip));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // Not from a proxy: the header is whatever the visitor wrote.
        assert_eq!(
            client_addr(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // From the proxy: the address it appended.
        assert_eq!(
            client_addr(proxy, Some("1.2.3.4, 198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // Through two trusted proxies.
        assert_eq!(
            client_addr(proxy, Some("198.51.100.7, 10.0.0.3"), &trusted),
            ip("198.51.100.7")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(client_addr(proxy, None, &trusted), proxy);
        assert_eq!(client_addr(proxy, Some("nonsense"), &trusted), proxy);
        // Nothing trusted configured: never read.
        assert_eq!(client_addr(proxy, Some("198.51.100.7"), &[]), proxy);
    }
}
