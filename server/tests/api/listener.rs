//! The listening socket the binary serves on: its connections set TCP_NODELAY, so a
//! kept-alive static file is not held back by Nagle's algorithm until a delayed ACK.

use axum::serve::Listener;
use quanzi_server::http::listener::no_delay;

/// A connection accepted by `listener` from a client on loopback.
async fn accepted<L: Listener>(mut listener: L, addr: std::net::SocketAddr) -> L::Io {
    let client = tokio::net::TcpStream::connect(addr);
    let (accepted, client) = tokio::join!(listener.accept(), client);
    client.expect("connect");
    accepted.0
}

#[tokio::test]
async fn accepted_connections_set_nodelay() {
    let bound = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = bound.local_addr().expect("addr");
    let tcp = accepted(no_delay(bound), addr).await;
    assert!(tcp.nodelay().expect("nodelay"), "TCP_NODELAY is set");
}

/// The control: a plain listener leaves it off, so the test above shows the wrapper's work.
#[tokio::test]
async fn a_plain_listener_leaves_nagle_on() {
    let bound = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = bound.local_addr().expect("addr");
    let tcp = accepted(bound, addr).await;
    assert!(!tcp.nodelay().expect("nodelay"));
}
