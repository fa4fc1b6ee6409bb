//! A push service on 127.0.0.1 for the tests, with the browser's side of a subscription:
//! it takes Web Push requests as a real push service would (checking the VAPID token
//! against the server's public key) and decrypts each body with the browser's private key
//! and auth secret, so the encryption is checked for real.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use porthole_server::notifications::push::PushNote;

/// One push as the browser would show it.
#[derive(Clone, Debug)]
pub struct Received {
    pub note: PushNote,
    pub urgency: String,
    /// The VAPID public key the request named (`k=`).
    pub vapid_key: String,
}

struct Inner {
    got: Vec<Received>,
    /// Answer 410 Gone (the browser unsubscribed).
    gone: bool,
}

/// One browser's subscription at a local push service.
pub struct PushService {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    inner: Arc<Mutex<Inner>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Browser {
    key: p256::SecretKey,
    auth: [u8; 16],
    inner: Arc<Mutex<Inner>>,
}

impl PushService {
    pub async fn start() -> Self {
        let key = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        let auth: [u8; 16] = rand::random();
        let inner = Arc::new(Mutex::new(Inner { got: Vec::new(), gone: false }));
        let browser = Browser { key: key.clone(), auth, inner: inner.clone() };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}/push/{}", listener.local_addr().unwrap(), rand::random::<u32>());
        let app = axum::Router::new().route("/push/{id}", post(receive)).with_state(browser);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            endpoint,
            p256dh: URL_SAFE_NO_PAD.encode(key.public_key().to_encoded_point(false).as_bytes()),
            auth: URL_SAFE_NO_PAD.encode(auth),
            inner,
            task,
        }
    }

    pub fn got(&self) -> Vec<Received> {
        self.inner.lock().unwrap().got.clone()
    }

    /// From now on answers 410 Gone, as for a browser that unsubscribed.
    pub fn unsubscribe(&self) {
        self.inner.lock().unwrap().gone = true;
    }

    /// Waits until at least `count` pushes arrived (at most 20 s).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..400 {
            let got = self.got();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("push service: {count} pushes did not arrive; got {:#?}", self.got());
    }
}

impl Drop for PushService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(browser): State<Browser>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if browser.inner.lock().unwrap().gone {
        return StatusCode::GONE;
    }
    // What a push service checks: aes128gcm content, a VAPID token signed by the key it names.
    assert_eq!(header("content-encoding"), "aes128gcm");
    let authorization = header("authorization");
    let (token, k) = authorization.strip_prefix("vapid t=").and_then(|v| v.split_once(", k=")).expect("VAPID header");
    let point = URL_SAFE_NO_PAD.decode(k).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.validate_aud = false;
    jsonwebtoken::decode::<serde_json::Value>(token, &jsonwebtoken::DecodingKey::from_ec_der(&point), &validation)
        .expect("a VAPID token that verifies with the key it names");
    // What the browser does: decrypt with its own key and secret.
    let auth = web_push_native::Auth::from(browser.auth);
    let plain = web_push_native::decrypt(body.to_vec(), &browser.key, &auth).expect("a body the browser can decrypt");
    let note: PushNote = serde_json::from_slice(&plain).unwrap();
    browser.inner.lock().unwrap().got.push(Received { note, urgency: header("urgency"), vapid_key: k.to_owned() });
    StatusCode::CREATED
}
