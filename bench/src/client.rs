//! Connections to the server under test through the SDK (`porthole-client`): gRPC over
//! HTTP/2, as native clients speak it, or grpc-web over HTTP/1.1, as the widget in a browser
//! does (`porthole_client::Protocol`). Every scenario drives either through the same handles.

use std::net::IpAddr;

pub use porthole_client::{Porthole as Client, Protocol};

/// Connects to `url` (e.g. `http://127.0.0.1:8080`) from `local` (any address when `None`).
/// gRPC connects now; grpc-web connects on the first call. Without HTTP/2 keepalive pings,
/// as before the bench used the SDK: the idle scenario's thousands of connections would
/// otherwise add their pings to the server's idle CPU.
pub async fn connect(protocol: Protocol, url: &str, local: Option<IpAddr>) -> Result<Client, String> {
    Client::builder(url)
        .protocol(protocol)
        .local_address(local)
        .without_keepalive()
        .connect()
        .await
        .map_err(|e| e.to_string())
}
