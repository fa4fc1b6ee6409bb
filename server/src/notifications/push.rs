//! Web Push to members' browsers: the server's VAPID key pair, and one encrypted, signed
//! push request to a push service (RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::EncodePrivateKey as _;
use serde::{Deserialize, Serialize};

use crate::store::notifications::PushSubscriptionRow;
use crate::webhooks::client::{Sender, refused_literal};

/// How long a push service keeps a push for a browser that is offline: past it, the news
/// is stale (the dashboard shows the rest).
const TTL_SECS: u32 = 3600;
/// How long the VAPID token is valid (push services accept up to 24 h).
const VAPID_VALID_SECS: i64 = 12 * 3600;

/// What the service worker shows (the push's decrypted body, JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushNote {
    pub title: String,
    pub body: String,
    /// Opened on click (a dashboard path such as `/app/inbox/cnv_…`).
    pub url: String,
    /// Notifications with one tag replace each other (one per conversation).
    pub tag: String,
    /// Assignments: the push service delivers at once, and the notification stays.
    #[serde(default)]
    pub urgent: bool,
}

/// The server's VAPID identity.
pub struct Pusher {
    key: p256::SecretKey,
    /// Uncompressed public point, base64url: the dashboard's `applicationServerKey`.
    public_key: String,
    /// The contact push services see (`sub` claim).
    subject: String,
}

/// What a push attempt came to.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The browser unsubscribed or the subscription expired: forget it.
    #[error("the push service says this browser is gone ({0})")]
    Gone(u16),
    #[error("the push service answered {status}: {text}")]
    Refused { status: u16, text: String, retryable: bool },
    #[error("the push service could not be reached: {0}")]
    Unreachable(String),
    #[error("{0}")]
    Invalid(String),
}

impl PushError {
    pub fn is_transient(&self) -> bool {
        match self {
            PushError::Refused { retryable, .. } => *retryable,
            PushError::Unreachable(_) => true,
            PushError::Gone(_) | PushError::Invalid(_) => false,
        }
    }
}

impl Pusher {
    /// From the stored private key (32 bytes, base64url).
    pub fn new(private_key: &str, subject: String) -> Result<Self, String> {
        let bytes = URL_SAFE_NO_PAD.decode(private_key).map_err(|e| format!("VAPID key: {e}"))?;
        let key = p256::SecretKey::from_slice(&bytes).map_err(|e| format!("VAPID key: {e}"))?;
        let public_key = URL_SAFE_NO_PAD.encode(key.public_key().to_encoded_point(false).as_bytes());
        Ok(Self { key, public_key, subject })
    }

    /// A new private key (32 bytes, base64url), generated once per server and kept with
    /// its secrets, so every replica signs as the same server.
    pub fn generate_key() -> String {
        let key = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        URL_SAFE_NO_PAD.encode(key.to_bytes())
    }

    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// Encrypts `note` for the subscription's browser and POSTs it to its push service.
    pub async fn send(&self, http: &Sender, to: &PushSubscriptionRow, note: &PushNote) -> Result<(), PushError> {
        if let Some(refused) = refused_literal(http.policy(), &to.endpoint) {
            return Err(PushError::Invalid(refused));
        }
        let endpoint = url::Url::parse(&to.endpoint).map_err(|e| PushError::Invalid(e.to_string()))?;
        let ua_public = URL_SAFE_NO_PAD
            .decode(&to.p256dh)
            .ok()
            .and_then(|b| p256::PublicKey::from_sec1_bytes(&b).ok())
            .ok_or_else(|| PushError::Invalid("the subscription's p256dh key is not a P-256 point".into()))?;
        let auth: [u8; 16] = URL_SAFE_NO_PAD
            .decode(&to.auth)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| PushError::Invalid("the subscription's auth secret is not 16 bytes".into()))?;
        let body = serde_json::to_vec(note).map_err(|e| PushError::Invalid(e.to_string()))?;
        let auth = web_push_native::Auth::from(auth);
        let encrypted =
            web_push_native::encrypt(body, &ua_public, &auth).map_err(|e| PushError::Invalid(e.to_string()))?;
        let authorization = self.vapid(&endpoint)?;
        let sent = http
            .http()
            .post(endpoint)
            .header("TTL", TTL_SECS)
            .header("Urgency", if note.urgent { "high" } else { "normal" })
            .header(http::header::CONTENT_ENCODING, "aes128gcm")
            .header(http::header::CONTENT_TYPE, "application/octet-stream")
            .header(http::header::AUTHORIZATION, authorization)
            .body(encrypted)
            .send()
            .await
            .map_err(|e| PushError::Unreachable(e.to_string()))?;
        let status = sent.status().as_u16();
        match status {
            200..=299 => Ok(()),
            404 | 410 => Err(PushError::Gone(status)),
            _ => {
                let text: String = sent.text().await.unwrap_or_default().chars().take(300).collect();
                Err(PushError::Refused { status, text, retryable: status == 429 || status >= 500 })
            }
        }
    }

    /// `vapid t=<JWT signed ES256 for the endpoint's origin>, k=<public key>`.
    fn vapid(&self, endpoint: &url::Url) -> Result<String, PushError> {
        #[derive(Serialize)]
        struct Claims<'a> {
            aud: String,
            exp: i64,
            sub: &'a str,
        }
        let claims = Claims {
            aud: endpoint.origin().ascii_serialization(),
            exp: chrono::Utc::now().timestamp() + VAPID_VALID_SECS,
            sub: &self.subject,
        };
        let der = self.key.to_pkcs8_der().map_err(|e| PushError::Invalid(e.to_string()))?;
        let key = jsonwebtoken::EncodingKey::from_ec_der(der.as_bytes());
        let token = jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256), &claims, &key)
            .map_err(|e| PushError::Invalid(e.to_string()))?;
        Ok(format!("vapid t={token}, k={}", self.public_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a browser does with a push: decrypts it with its own private key and auth
    /// secret (web-push-native's user-agent side), and what the push service checks: the
    /// VAPID token verifies with the advertised public key.
    #[test]
    fn a_browser_can_decrypt_and_a_push_service_can_verify() {
        let pusher = Pusher::new(&Pusher::generate_key(), "mailto:ops@example.com".into()).unwrap();
        let browser = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        let auth = [7u8; 16];
        let note = PushNote {
            title: "New conversation".into(),
            body: "Ada: hello".into(),
            url: "/app/inbox/cnv_1".into(),
            tag: "cnv_1".into(),
            urgent: false,
        };
        let body = serde_json::to_vec(&note).unwrap();
        let auth_array = web_push_native::Auth::from(auth);
        let encrypted = web_push_native::encrypt(body.clone(), &browser.public_key(), &auth_array).unwrap();
        assert_ne!(encrypted, body);
        let decrypted = web_push_native::decrypt(encrypted, &browser, &auth_array).unwrap();
        assert_eq!(serde_json::from_slice::<PushNote>(&decrypted).unwrap(), note);

        let endpoint = url::Url::parse("https://push.example.net/send/abc").unwrap();
        let header = pusher.vapid(&endpoint).unwrap();
        let (token, k) = header.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
        assert_eq!(k, pusher.public_key());
        let point = URL_SAFE_NO_PAD.decode(k).unwrap();
        assert!(p256::PublicKey::from_sec1_bytes(&point).is_ok());
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        validation.set_audience(&["https://push.example.net"]);
        let decoded = jsonwebtoken::decode::<serde_json::Value>(
            token,
            // For EC keys this takes the SEC1 point, as push services receive it.
            &jsonwebtoken::DecodingKey::from_ec_der(&point),
            &validation,
        )
        .unwrap();
        assert_eq!(decoded.claims["sub"], "mailto:ops@example.com");
    }
}
