//! The layer in front of every gRPC method: looks up the method's [`Access`] rule, checks
//! the bearer token it needs, and puts the caller into the request extensions.
//!
//! **Invariant:** no handler runs unless this layer let the request through; handlers
//! only read the caller from the extensions.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use std::sync::Arc;

use super::policy::{Access, access_for};
use super::tokens::{TokenError, TokenKeys};
use super::widget_states::WidgetStates;
use crate::limits::{Limit, Limiter};
use crate::store::Store;

/// What the layer checks callers with.
#[derive(Clone)]
pub struct Gate {
    pub keys: TokenKeys,
    pub limits: Arc<Limiter>,
    pub store: Store,
    pub widget_states: Arc<WidgetStates>,
}

/// Checks the caller of a gRPC request against the method's access rule, and a member's
/// calls against their rate limit.
pub async fn authenticate(
    State(Gate { keys, limits, store, widget_states }): State<Gate>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let Some(access) = access_for(path) else {
        return reject(tonic::Status::unimplemented(format!("unknown method {path}")));
    };
    match access {
        Access::Public => {}
        Access::Member(required) => {
            let Some(token) = bearer(&request) else {
                return reject(tonic::Status::unauthenticated(
                    "missing access token: send `authorization: Bearer <access_token>`",
                ));
            };
            let mut agent = match keys.verify_agent(token) {
                Ok(agent) => agent,
                Err(e @ (TokenError::Expired | TokenError::Invalid)) => {
                    return reject(tonic::Status::unauthenticated(e.to_string()));
                }
            };
            if let Err(error) = limits.check(Limit::CallsPerMember, &agent.user_id).await {
                return reject(error.into());
            }
            // Revocation takes effect on the next call: the session must still be live and
            // the role is the stored one, not the token's.
            match store.live_session_role(&agent.workspace_id, &agent.user_id, &agent.session_id).await {
                Ok(Some(role)) => agent.role = role,
                Ok(None) => {
                    return reject(tonic::Status::unauthenticated(
                        "this session has ended (signed out, password changed, or removed from the workspace); sign in again",
                    ));
                }
                Err(error) => return reject(crate::error::Error::from(error).into()),
            }
            if !agent.role.at_least(required) {
                return reject(tonic::Status::permission_denied(format!(
                    "this needs the {} role or higher; you are {}",
                    required.as_str(),
                    agent.role.as_str()
                )));
            }
            request.extensions_mut().insert(agent);
        }
        Access::Visitor => {
            let Some(token) = bearer(&request) else {
                return reject(tonic::Status::unauthenticated(
                    "missing visitor token: call StartSession and send `authorization: Bearer <visitor_token>`",
                ));
            };
            match keys.verify_visitor(token) {
                Ok(visitor) => {
                    // The site owner turning the widget off or deleting it ends its visitors'
                    // tokens on their next call.
                    match widget_states.active(&store, &visitor.workspace_id, &visitor.widget_id).await {
                        Ok(true) => {}
                        Ok(false) => {
                            return reject(tonic::Status::unauthenticated(
                                "this chat was turned off or removed by the site; the visitor token no longer works",
                            ));
                        }
                        Err(error) => return reject(crate::error::Error::from(error).into()),
                    }
                    request.extensions_mut().insert(visitor);
                }
                Err(TokenError::Expired) => {
                    return reject(tonic::Status::unauthenticated("visitor token expired; start a new session"));
                }
                Err(TokenError::Invalid) => {
                    return reject(tonic::Status::unauthenticated("visitor token is invalid; start a new session"));
                }
            }
        }
    }
    next.run(request).await
}

/// The token of an `authorization: Bearer …` header.
fn bearer(request: &Request) -> Option<&str> {
    let value = request.headers().get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

fn reject(status: tonic::Status) -> Response {
    status.into_http::<axum::body::Body>().into_response()
}
