//! Restart safety: a graceful stop during a burst of observations answers the requests it has
//! accepted, and every observation it acknowledged (201) is in the store afterwards.

use crate::common::{MONACO, TestServer};
use feltkart_store::{Store, StoreConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// POST one observation over a real socket; the status code, or `None` when the connection was
/// refused or closed without an answer.
async fn post(addr: std::net::SocketAddr, token: &str, i: u32) -> Option<u16> {
    let body = format!(
        "{{\"lon\":{},\"lat\":{},\"sign\":\"overfull_mailbox\",\"at\":\"2026-12-01T{:02}:{:02}:{:02}\"}}",
        MONACO[0],
        MONACO[1],
        10 + i / 3600,
        (i / 60) % 60,
        i % 60
    );
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    let req = format!(
        "POST /api/observations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.ok()?;
    let text = String::from_utf8_lossy(&out);
    text.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_stop_loses_no_acknowledged_observation() {
    let t = TestServer::new();
    let token = t.login("field-a").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(feltkart_server::serve(listener, t.state.clone(), async {
        let _ = stop_rx.await;
    }));
    let mut tasks = Vec::new();
    for i in 0..300u32 {
        let token = token.clone();
        tasks.push(tokio::spawn(async move { post(addr, &token, i).await }));
        if i == 150 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            stop_tx.send(()).unwrap();
            break;
        }
    }
    let mut acked = 0u32;
    let mut other = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Some(201) => acked += 1,
            Some(s) => other.push(s),
            None => {}
        }
    }
    server.await.unwrap().unwrap();
    // Every other answer is the load shedder's 503 (more than 64 at once): refused, not lost.
    assert!(other.iter().all(|s| *s == 503), "{other:?}");
    assert!(acked > 0, "no request was served before the stop");
    let store = Store::open(t.dir.path().join("feltkart.db"), StoreConfig::default()).unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let stored: u32 = store
        .observation_events(Some(t.team_a), from, to)
        .unwrap()
        .iter()
        .map(|c| c.events)
        .sum();
    assert_eq!(stored, acked, "acknowledged {acked}, stored {stored}");
}
