//! The listening socket: every accepted connection sets TCP_NODELAY.
//!
//! hyper writes a response's headers and a streamed body (a file from `dist/`, a photo) as
//! separate segments. Without TCP_NODELAY, Nagle's algorithm holds the body back until the
//! headers are acknowledged, and on a kept-alive connection the client delays that ACK by
//! about 40 ms: every static file after the first waited that long.

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};

/// A listener whose connections send each write at once.
pub type NoDelayListener = TapIo<TcpListener, fn(&mut TcpStream)>;

/// Wraps a bound listener for `axum::serve`.
pub fn no_delay(listener: TcpListener) -> NoDelayListener {
    listener.tap_io(set_nodelay)
}

fn set_nodelay(tcp: &mut TcpStream) {
    // The connection still works without it, only slower: worth a warning, not a refusal.
    if let Err(err) = tcp.set_nodelay(true) {
        tracing::warn!(error = %err, "cannot set TCP_NODELAY on a connection");
    }
}
