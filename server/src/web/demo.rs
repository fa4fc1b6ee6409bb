//! The demo: a seeded workspace and widget (when `PORTHOLE_DEMO=true`) and the `/demo` page
//! that embeds it, so a fresh start shows the product working at once.

use crate::domain::id::{UserId, WidgetId, WorkspaceId};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::api::widget::embed_snippet;
use crate::error::Error;
use crate::ids;
use crate::store::models::{UserRow, WidgetRow, WorkspaceRow};
use crate::store::now_ms;

/// The demo owner's login.
pub const DEMO_EMAIL: &str = "demo@porthole.test";
/// The demo owner's password (documented in the README; demo only).
pub const DEMO_PASSWORD: &str = "porthole-demo";
/// Where the demo widget's id is remembered.
const DEMO_WIDGET_KEY: &str = "demo_widget_id";

/// What the demo owner's password hash is while the demo is off: not a PHC string, so no
/// password matches it.
const LOCKED: &str = "!demo-off";

/// The demo owner's password is public, so while the demo is off they cannot sign in:
/// their password hash is replaced by one nothing matches, which also ends their sessions.
pub async fn lock(state: &AppState) -> Result<(), Error> {
    if let Some(owner) = state.store.user_by_email(DEMO_EMAIL).await?
        && owner.password_hash != LOCKED
    {
        state.store.update_user(&owner.id, None, Some(LOCKED.to_owned()), now_ms()).await?;
        tracing::info!(email = DEMO_EMAIL, "demo is off: the demo owner can no longer sign in");
    }
    Ok(())
}

/// Creates the demo workspace, owner and widget unless they exist (and unlocks the owner
/// if a start without the demo locked them).
pub async fn seed(state: &AppState) -> Result<(), Error> {
    if let Some(owner) = state.store.user_by_email(DEMO_EMAIL).await? {
        if owner.password_hash == LOCKED {
            let hash = crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?;
            state.store.update_user(&owner.id, None, Some(hash), now_ms()).await?;
            tracing::info!(email = DEMO_EMAIL, "demo owner unlocked");
        }
        return Ok(());
    }
    let now = now_ms();
    let workspace = WorkspaceRow::new(WorkspaceId::new(), "Demo".to_owned(), now);
    let owner = UserRow {
        id: UserId::new(),
        email: DEMO_EMAIL.to_owned(),
        password_hash: crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?,
        display_name: "Demo Agent".to_owned(),
        created_at: now,
    };
    let Some((workspace, _, _)) = state.store.create_workspace_with_owner(workspace, owner).await? else {
        return Ok(()); // Another replica seeded it meanwhile.
    };
    let widget = state
        .store
        .insert_widget(WidgetRow {
            id: WidgetId::new(),
            workspace_id: workspace.id.clone(),
            name: "Demo widget".to_owned(),
            public_token: ids::new_public_token(),
            identity_secret: ids::new_secret(32),
            active: true,
            settings: serde_json::to_string(&crate::domain::widget::WidgetSettings::default())
                .map_err(Error::internal)?,
            created_at: now,
            updated_at: now,
            first_seen_at: None,
            first_seen_origin: String::new(),
        })
        .await?;
    let widget_id = widget.id.to_string();
    state.store.server_secret(DEMO_WIDGET_KEY, move || widget_id).await?;
    tracing::info!(email = DEMO_EMAIL, password = DEMO_PASSWORD, "demo workspace created");
    Ok(())
}

/// `GET /demo`: a sample shop page with the demo widget embedded.
pub async fn page(State(state): State<Arc<AppState>>) -> Response {
    if !state.config.demo {
        return (StatusCode::NOT_FOUND, "the demo is off (set PORTHOLE_DEMO=true)\n").into_response();
    }
    let token = async {
        let workspace = state.store.user_by_email(DEMO_EMAIL).await?;
        let id = state.store.server_value(DEMO_WIDGET_KEY).await?;
        let widget = match (workspace, id) {
            (Some(_), Some(id)) => state.store.widget_anywhere(&WidgetId::from_stored(id)).await?,
            _ => None,
        };
        Ok::<_, crate::store::StoreError>(widget.map(|w| w.public_token))
    }
    .await;
    let snippet = match token {
        Ok(Some(token)) => embed_snippet(&state.public_url, &token).0,
        Ok(None) => String::from("<!-- the demo widget was deleted -->"),
        Err(error) => {
            tracing::error!(%error, "demo page");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again later\n").into_response();
        }
    };
    Html(
        DEMO_HTML
            .replace("{{SNIPPET}}", &snippet)
            .replace("{{EMAIL}}", DEMO_EMAIL)
            .replace("{{PASSWORD}}", DEMO_PASSWORD),
    )
    .into_response()
}

const DEMO_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Porthole demo — Northwind Coffee</title>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1c1917; background: #faf7f2; }
  header { padding: 20px 32px; background: #3f2a1d; color: #fff; display: flex; justify-content: space-between; }
  main { max-width: 860px; margin: 0 auto; padding: 40px 32px; }
  .card { background: #fff; border-radius: 12px; padding: 24px; box-shadow: 0 1px 3px rgb(0 0 0 / .08); margin-bottom: 20px; }
  code { background: #f1ece4; padding: 2px 6px; border-radius: 4px; }
  a { color: #9a3412; }
</style>
</head>
<body>
<header><strong>☕ Northwind Coffee</strong><span>Demo shop</span></header>
<main>
  <div class="card">
    <h1>This page embeds the Porthole widget</h1>
    <p>Click the chat button in the corner and write a message, as a visitor would.</p>
    <p>Answer it from the <a href="/app/" target="_blank">dashboard</a>:
       log in as <code>{{EMAIL}}</code> with password <code>{{PASSWORD}}</code>.</p>
  </div>
  <div class="card">
    <h2>Single origin roast</h2>
    <p>Notes of cocoa and cherry. Ships within two days.</p>
  </div>
</main>
{{SNIPPET}}
</body>
</html>
"#;
