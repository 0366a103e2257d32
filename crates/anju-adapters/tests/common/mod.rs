//! What the wire tests share: far ends that misbehave on purpose.
#![allow(dead_code)]

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server that answers `body` (as JSON, 200) to every request.
pub async fn answering(body: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 8192];
            let _ = socket.read(&mut buf).await;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    url
}

/// The URL of a port nobody listens on (it was free a moment ago).
pub async fn nobody_listening() -> String {
    let free = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", free.local_addr().expect("addr"));
    drop(free);
    url
}
