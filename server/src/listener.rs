//! Accepting connections: every accepted socket gets `TCP_NODELAY`, and handlers learn
//! the peer's address as [`PeerAddr`] (for the loopback check of `/metrics`), and the
//! client's as [`client_address`] (for the per-address limits).

use std::{
    io,
    net::{IpAddr, SocketAddr},
};

use axum::{
    extract::connect_info::Connected,
    http::HeaderMap,
    serve::{IncomingStream, Listener},
};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections send small writes at once.
///
/// Without `TCP_NODELAY`, Nagle's algorithm holds a socket's next small write until the
/// peer acknowledges the previous one, and the peer delays that ACK (about 40 ms on
/// Linux): a chat exchanging small frames both ways paid it on nearly every message.
#[derive(Debug)]
pub struct NoDelayListener(TcpListener);

impl NoDelayListener {
    pub fn new(listener: TcpListener) -> Self {
        NoDelayListener(listener)
    }
}

impl Listener for NoDelayListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // axum's own accept loop: it waits out errors such as running out of descriptors.
        let (stream, addr) = Listener::accept(&mut self.0).await;
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY could not be set");
        }
        (stream, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// The address a request came from (the connection's peer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, NoDelayListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, NoDelayListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// The client a request comes from: the connection's peer, or, behind a reverse proxy
/// that says so in `header` (`X-Forwarded-For`, `X-Real-IP`), the last address it added
/// (the one the proxy itself saw; earlier ones are the client's word).
pub fn client_address(peer: PeerAddr, headers: &HeaderMap, header: Option<&str>) -> IpAddr {
    header
        .and_then(|name| headers.get_all(name).iter().next_back())
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_header_counts_only_when_configured_and_its_last_hop() {
        let peer = PeerAddr(SocketAddr::from(([10, 0, 0, 2], 5555)));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.7".parse().expect("header"),
        );
        assert_eq!(
            client_address(peer, &headers, None),
            IpAddr::from([10, 0, 0, 2])
        );
        assert_eq!(
            client_address(peer, &headers, Some("x-forwarded-for")),
            IpAddr::from([203, 0, 113, 7])
        );
        headers.insert("x-forwarded-for", "garbage".parse().expect("header"));
        assert_eq!(
            client_address(peer, &headers, Some("x-forwarded-for")),
            IpAddr::from([10, 0, 0, 2])
        );
    }
}
