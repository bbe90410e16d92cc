//! Accepting connections: every accepted socket gets `TCP_NODELAY`, and handlers learn
//! the peer's address as [`PeerAddr`] (for the loopback check of `/metrics` and the
//! per-address limits).

use std::{io, net::SocketAddr};

use axum::{
    extract::connect_info::Connected,
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
