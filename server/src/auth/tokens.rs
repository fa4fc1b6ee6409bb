//! Signed access tokens (JWT, HS256 pinned) for workspace members.
//!
//! The audience separates token kinds, so a visitor token can never pass as a member's.

use crate::domain::id::{SessionId, UserId, VisitorId, WidgetId, WorkspaceId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{Agent, Visitor};
use crate::domain::account::Role;

/// Audience of member access tokens.
const AGENT_AUDIENCE: &str = "porthole:agent";
/// Audience of visitor tokens.
const VISITOR_AUDIENCE: &str = "porthole:visitor";
/// The only algorithm accepted; anything else in a token header is refused.
const ALGORITHM: Algorithm = Algorithm::HS256;

#[derive(Debug, Serialize, Deserialize)]
struct AgentClaims {
    sub: UserId,
    ws: WorkspaceId,
    role: String,
    /// The session (refresh-token family); tokens without one are refused.
    sid: SessionId,
    aud: String,
    iat: i64,
    exp: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct VisitorClaims {
    sub: VisitorId,
    ws: WorkspaceId,
    wgt: WidgetId,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Why a token was refused (the message is safe to show).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("access token expired; refresh the session")]
    Expired,
    #[error("access token is invalid")]
    Invalid,
}

/// Signs and checks tokens with the server's secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    agent_validation: Validation,
    visitor_validation: Validation,
}

impl TokenKeys {
    /// Keys from the shared secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut agent_validation = Validation::new(ALGORITHM);
        agent_validation.set_audience(&[AGENT_AUDIENCE]);
        agent_validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        agent_validation.leeway = 5;
        let mut visitor_validation = agent_validation.clone();
        visitor_validation.set_audience(&[VISITOR_AUDIENCE]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            agent_validation,
            visitor_validation,
        }
    }

    /// Issues an access token for `agent` valid until `expires_at` (Unix seconds).
    pub fn issue_agent(
        &self,
        agent: &Agent,
        issued_at: i64,
        expires_at: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = AgentClaims {
            sub: agent.user_id.clone(),
            ws: agent.workspace_id.clone(),
            role: agent.role.as_str().to_owned(),
            sid: agent.session_id.clone(),
            aud: AGENT_AUDIENCE.to_owned(),
            iat: issued_at,
            exp: expires_at,
        };
        jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
    }

    /// Checks signature, algorithm, audience and expiry of a member access token.
    pub fn verify_agent(&self, token: &str) -> Result<Agent, TokenError> {
        let data =
            jsonwebtoken::decode::<AgentClaims>(token, &self.decoding, &self.agent_validation).map_err(|e| match e
                .kind()
            {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        let role = Role::parse(&data.claims.role).ok_or(TokenError::Invalid)?;
        Ok(Agent { user_id: data.claims.sub, workspace_id: data.claims.ws, role, session_id: data.claims.sid })
    }
}

impl TokenKeys {
    /// Issues a visitor token valid until `expires_at` (Unix seconds).
    pub fn issue_visitor(
        &self,
        visitor: &Visitor,
        issued_at: i64,
        expires_at: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = VisitorClaims {
            sub: visitor.visitor_id.clone(),
            ws: visitor.workspace_id.clone(),
            wgt: visitor.widget_id.clone(),
            aud: VISITOR_AUDIENCE.to_owned(),
            iat: issued_at,
            exp: expires_at,
        };
        jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
    }

    /// Checks signature, algorithm, audience and expiry of a visitor token.
    pub fn verify_visitor(&self, token: &str) -> Result<Visitor, TokenError> {
        let data = jsonwebtoken::decode::<VisitorClaims>(token, &self.decoding, &self.visitor_validation).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            },
        )?;
        Ok(Visitor { visitor_id: data.claims.sub, workspace_id: data.claims.ws, widget_id: data.claims.wgt })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn agent() -> Agent {
        Agent { user_id: "usr_1".into(), workspace_id: "ws_1".into(), role: Role::Admin, session_id: "rtf_1".into() }
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn visitor_and_agent_tokens_do_not_mix() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let visitor = Visitor { visitor_id: "vis_1".into(), workspace_id: "ws_1".into(), widget_id: "wgt_1".into() };
        let token = keys.issue_visitor(&visitor, now(), now() + 60).unwrap();
        assert_eq!(keys.verify_visitor(&token).unwrap().visitor_id, "vis_1");
        assert!(keys.verify_agent(&token).is_err());
        let agent_token = keys.issue_agent(&agent(), now(), now() + 60).unwrap();
        assert!(keys.verify_visitor(&agent_token).is_err());
    }

    #[test]
    fn round_trip() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue_agent(&agent(), now(), now() + 60).unwrap();
        let back = keys.verify_agent(&token).unwrap();
        assert_eq!((back.user_id.as_str(), back.workspace_id.as_str(), back.role), ("usr_1", "ws_1", Role::Admin));
    }

    #[test]
    fn expired_forged_and_other_algorithms_are_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let expired = keys.issue_agent(&agent(), now() - 120, now() - 60).unwrap();
        assert!(matches!(keys.verify_agent(&expired), Err(TokenError::Expired)));

        let other = TokenKeys::new(b"another secret another secret 00");
        let forged = other.issue_agent(&agent(), now(), now() + 60).unwrap();
        assert!(matches!(keys.verify_agent(&forged), Err(TokenError::Invalid)));

        // Same secret, HS512: the pinned algorithm refuses it.
        let claims = AgentClaims {
            sub: "usr_1".into(),
            ws: "ws_1".into(),
            role: "owner".into(),
            sid: "rtf_1".into(),
            aud: AGENT_AUDIENCE.into(),
            iat: now(),
            exp: now() + 60,
        };
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert!(matches!(keys.verify_agent(&hs512), Err(TokenError::Invalid)));

        // alg "none" with no signature.
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let none = format!(
            "{}.{}.",
            b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(serde_json::to_vec(&claims).unwrap())
        );
        assert!(matches!(keys.verify_agent(&none), Err(TokenError::Invalid)));
    }
}
