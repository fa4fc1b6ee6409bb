//! Who is calling: passwords, signed tokens, the per-method access policy, and the layer
//! that enforces it before any handler runs.

pub mod layer;
pub mod password;
pub mod policy;
pub mod tokens;
pub mod widget_states;

use crate::domain::account::Role;
use crate::domain::id::{SessionId, UserId, VisitorId, WidgetId, WorkspaceId};
use crate::error::Error;

/// A signed-in member of a workspace, as established by the auth layer.
#[derive(Clone, Debug)]
pub struct Agent {
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    /// From the token at issue; the auth layer replaces it with the stored role.
    pub role: Role,
    /// The session (refresh-token family) the access token belongs to: logging out,
    /// changing the password or leaving the workspace ends it, and the token with it.
    pub session_id: SessionId,
}

/// A website visitor, as established by the auth layer from a visitor token.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub visitor_id: VisitorId,
    pub workspace_id: WorkspaceId,
    pub widget_id: WidgetId,
}

/// The caller of a visitor-only RPC (see [`agent`] for why a miss is internal).
pub fn visitor<T>(request: &tonic::Request<T>) -> Result<Visitor, Error> {
    request
        .extensions()
        .get::<Visitor>()
        .cloned()
        .ok_or_else(|| Error::internal("visitor credentials missing for a visitor-only method"))
}

/// The caller of an agent-only RPC. The auth layer guarantees it is present for every
/// method whose policy requires a member, so a miss is a wiring bug (internal error).
pub fn agent<T>(request: &tonic::Request<T>) -> Result<Agent, Error> {
    request
        .extensions()
        .get::<Agent>()
        .cloned()
        .ok_or_else(|| Error::internal("member credentials missing for a member-only method"))
}
