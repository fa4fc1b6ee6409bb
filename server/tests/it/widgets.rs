//! Widgets, tenant isolation and token checks through the real client, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Backend, TEST_JWT_SECRET, TestServer, sign_up, violated_fields};
use porthole_client::pb;
use tonic::Code;

async fn widget_lifecycle(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "w@example.com", "W").await;
    let created = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest {
            name: "Main site".into(),
            settings: Some(pb::WidgetSettings {
                appearance: Some(pb::WidgetAppearance {
                    primary_color: "#F60".into(),
                    border_radius: Some(0),
                    position: pb::WidgetPosition::TopLeft.into(),
                    show_branding: false,
                    ..Default::default()
                }),
                allowed_domains: vec!["Example.com".into(), "*.example.com".into(), "localhost:3000".into()],
                business_hours: Some(pb::BusinessHours {
                    enabled: true,
                    time_zone: "Europe/Berlin".into(),
                    monday: Some(pb::DayHours { enabled: true, start: "09:00".into(), end: "17:30".into() }),
                    ..Default::default()
                }),
                handler_type: pb::HandlerType::AiBot.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let settings = created.settings.clone().unwrap();
    let appearance = settings.appearance.clone().unwrap();
    assert_eq!(appearance.primary_color, "#ff6600");
    assert_eq!(appearance.border_radius, Some(0));
    assert_eq!(appearance.launcher_size, 60, "zero takes the default");
    assert!(!appearance.show_branding);
    assert_eq!(settings.texts.as_ref().unwrap().welcome_title, "Hi there!", "unset texts take defaults");
    assert_eq!(settings.allowed_domains, vec!["example.com", "*.example.com", "localhost:3000"]);
    assert_eq!(settings.handler_type(), pb::HandlerType::AiBot);
    assert!(created.active);
    assert_eq!(created.public_token.len(), 32);

    let snippet = owner
        .widgets()
        .get_embed_snippet(pb::GetEmbedSnippetRequest { widget_id: created.id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(snippet.script_url, format!("{}/widget/{}/loader.js", server.url, created.public_token));
    assert_eq!(snippet.html, format!("<script src=\"{}\" async></script>", snippet.script_url));

    // Update: name only keeps settings; settings replace whole.
    let renamed = owner
        .widgets()
        .update_widget(pb::UpdateWidgetRequest {
            widget_id: created.id.clone(),
            name: Some("Shop".into()),
            settings: None,
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    assert_eq!(renamed.name, "Shop");
    assert_eq!(renamed.settings, created.settings);
    let replaced = owner
        .widgets()
        .update_widget(pb::UpdateWidgetRequest {
            widget_id: created.id.clone(),
            name: None,
            settings: Some(pb::WidgetSettings {
                texts: Some(pb::WidgetTexts { welcome_title: "Hello!".into(), ..Default::default() }),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let settings = replaced.settings.unwrap();
    assert_eq!(settings.texts.unwrap().welcome_title, "Hello!");
    assert_eq!(settings.appearance.unwrap().primary_color, "#1f6feb");
    assert!(settings.allowed_domains.is_empty());

    // Every bad field is named, and nothing is written.
    let bad = owner
        .widgets()
        .update_widget(pb::UpdateWidgetRequest {
            widget_id: created.id.clone(),
            name: Some(String::new()),
            settings: Some(pb::WidgetSettings {
                appearance: Some(pb::WidgetAppearance {
                    primary_color: "blue".into(),
                    border_radius: Some(40),
                    logo_url: "javascript:alert(1)".into(),
                    ..Default::default()
                }),
                business_hours: Some(pb::BusinessHours {
                    enabled: true,
                    time_zone: "Mars/Olympus".into(),
                    friday: Some(pb::DayHours { enabled: true, start: "18:00".into(), end: "09:00".into() }),
                    ..Default::default()
                }),
                allowed_domains: vec!["ok.com".into(), "https://bad.com/path".into()],
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&bad),
        vec![
            "name",
            "settings.appearance.primary_color",
            "settings.appearance.border_radius",
            "settings.appearance.logo_url",
            "settings.business_hours.time_zone",
            "settings.business_hours.friday",
            "settings.allowed_domains[1]",
        ]
    );
    let unchanged = owner
        .widgets()
        .get_widget(pb::GetWidgetRequest { widget_id: created.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    assert_eq!(unchanged.name, "Shop");

    // Deactivate, new token, new secret, delete.
    let off = owner
        .widgets()
        .set_widget_active(pb::SetWidgetActiveRequest { widget_id: created.id.clone(), active: false })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    assert!(!off.active);
    let regenerated = owner
        .widgets()
        .regenerate_widget_token(pb::RegenerateWidgetTokenRequest { widget_id: created.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    assert_ne!(regenerated.public_token, created.public_token);
    let secret = owner
        .widgets()
        .get_identity_secret(pb::GetIdentitySecretRequest { widget_id: created.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .identity_secret;
    let rotated = owner
        .widgets()
        .rotate_identity_secret(pb::RotateIdentitySecretRequest { widget_id: created.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .identity_secret;
    assert!(secret.len() >= 40 && rotated != secret);

    let second = owner
        .widgets()
        .create_widget(pb::CreateWidgetRequest { name: "Docs".into(), settings: None })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let list = owner.widgets().list_widgets(pb::ListWidgetsRequest {}).await.unwrap().into_inner().widgets;
    assert_eq!(list.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), vec!["Shop", "Docs"]);
    owner.widgets().delete_widget(pb::DeleteWidgetRequest { widget_id: second.id.clone() }).await.unwrap();
    let again = owner.widgets().delete_widget(pb::DeleteWidgetRequest { widget_id: second.id }).await.unwrap_err();
    assert_eq!(again.code(), Code::NotFound);
    server.stop().await;
}
on_both_backends!(widget_lifecycle);

async fn tenants_are_isolated(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (a, _) = sign_up(&server, "a@a.test", "A").await;
    let (b, _) = sign_up(&server, "b@b.test", "B").await;
    let widget = a
        .widgets()
        .create_widget(pb::CreateWidgetRequest { name: "A's".into(), settings: None })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    let id = widget.id.clone();
    let w = b.widgets();
    let codes = [
        w.clone().get_widget(pb::GetWidgetRequest { widget_id: id.clone() }).await.unwrap_err().code(),
        w.clone()
            .update_widget(pb::UpdateWidgetRequest { widget_id: id.clone(), name: Some("mine".into()), settings: None })
            .await
            .unwrap_err()
            .code(),
        w.clone().delete_widget(pb::DeleteWidgetRequest { widget_id: id.clone() }).await.unwrap_err().code(),
        w.clone()
            .set_widget_active(pb::SetWidgetActiveRequest { widget_id: id.clone(), active: false })
            .await
            .unwrap_err()
            .code(),
        w.clone()
            .regenerate_widget_token(pb::RegenerateWidgetTokenRequest { widget_id: id.clone() })
            .await
            .unwrap_err()
            .code(),
        w.clone().get_identity_secret(pb::GetIdentitySecretRequest { widget_id: id.clone() }).await.unwrap_err().code(),
        w.clone()
            .rotate_identity_secret(pb::RotateIdentitySecretRequest { widget_id: id.clone() })
            .await
            .unwrap_err()
            .code(),
        w.clone().get_embed_snippet(pb::GetEmbedSnippetRequest { widget_id: id.clone() }).await.unwrap_err().code(),
    ];
    assert!(codes.iter().all(|c| *c == Code::NotFound), "{codes:?}");
    assert!(w.clone().list_widgets(pb::ListWidgetsRequest {}).await.unwrap().into_inner().widgets.is_empty());

    // Members and invites of A are invisible and untouchable for B.
    let a_members = a.workspace().list_members(pb::ListMembersRequest {}).await.unwrap().into_inner().members;
    let b_members = b.workspace().list_members(pb::ListMembersRequest {}).await.unwrap().into_inner().members;
    assert_eq!(b_members.len(), 1);
    assert_ne!(a_members[0].user_id, b_members[0].user_id);
    let remove = b
        .workspace()
        .remove_member(pb::RemoveMemberRequest { user_id: a_members[0].user_id.clone() })
        .await
        .unwrap_err();
    assert_eq!(remove.code(), Code::NotFound);
    let invite = a
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "x@a.test".into(), role: pb::Role::Agent.into() })
        .await
        .unwrap()
        .into_inner()
        .invite
        .unwrap();
    let revoke =
        b.workspace().revoke_invite(pb::RevokeInviteRequest { invite_id: invite.id.clone() }).await.unwrap_err();
    assert_eq!(revoke.code(), Code::NotFound);
    assert!(b.workspace().list_invites(pb::ListInvitesRequest {}).await.unwrap().into_inner().invites.is_empty());
    a.workspace().revoke_invite(pb::RevokeInviteRequest { invite_id: invite.id }).await.unwrap();

    // A's widget is untouched.
    let still =
        a.widgets().get_widget(pb::GetWidgetRequest { widget_id: id }).await.unwrap().into_inner().widget.unwrap();
    assert_eq!(still, widget);
    server.stop().await;
}
on_both_backends!(tenants_are_isolated);

#[derive(serde::Serialize)]
struct Claims<'a> {
    sub: &'a str,
    ws: &'a str,
    role: &'a str,
    sid: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

/// The session id (`sid` claim) of a real access token.
fn session_id_of(access_token: &str) -> String {
    use base64::Engine as _;
    let payload = access_token.split('.').nth(1).unwrap();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&json).unwrap();
    claims["sid"].as_str().unwrap().to_owned()
}

async fn bad_tokens_are_refused(backend: Backend) {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let server = TestServer::start(backend).await;
    let (_, session) = sign_up(&server, "t@t.test", "T").await;
    let user = session.user.unwrap().id;
    let ws = session.workspace.unwrap().id;
    let sid = session_id_of(&session.access_token);
    let now = chrono::Utc::now().timestamp();
    let claims =
        |exp: i64| Claims { sub: &user, ws: &ws, role: "owner", sid: &sid, aud: "porthole:agent", iat: now, exp };
    let sign = |alg: Algorithm, secret: &str, exp: i64| {
        encode(&Header::new(alg), &claims(exp), &EncodingKey::from_secret(secret.as_bytes())).unwrap()
    };
    let cases = [
        ("missing", None),
        ("garbage", Some("not.a.jwt".to_owned())),
        ("expired", Some(sign(Algorithm::HS256, TEST_JWT_SECRET, now - 3600))),
        ("forged", Some(sign(Algorithm::HS256, "some-other-secret-some-other-secret!!", now + 600))),
        ("wrong algorithm", Some(sign(Algorithm::HS384, TEST_JWT_SECRET, now + 600))),
    ];
    for (name, token) in cases {
        let client = server.new_client();
        client.set_token(token);
        let err = client.widgets().list_widgets(pb::ListWidgetsRequest {}).await.unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated, "{name}: {err:?}");
    }
    // A correctly signed token still works, proving the cases above failed for their reason.
    let client = server.new_client();
    client.set_token(Some(sign(Algorithm::HS256, TEST_JWT_SECRET, now + 600)));
    client.widgets().list_widgets(pb::ListWidgetsRequest {}).await.unwrap();
    server.stop().await;
}
on_both_backends!(bad_tokens_are_refused);

/// The onboarding checklist's steps tick themselves off from what exists; the first
/// visitor counts only on a site other than this server.
async fn setup_progress_follows_what_exists(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "setup@example.com", "Setup").await;
    let progress =
        || async { owner.workspace().get_setup_progress(pb::GetSetupProgressRequest {}).await.unwrap().into_inner() };
    assert_eq!(progress().await, pb::GetSetupProgressResponse::default(), "nothing done yet");

    let widget = common::create_widget(&owner, "Site").await;
    assert!(widget.first_seen_time.is_none() && widget.first_seen_origin.is_empty());
    let start = |origin: Option<String>| {
        let client = server.new_client();
        let token = widget.public_token.clone();
        async move {
            let mut request =
                tonic::Request::new(pb::StartSessionRequest { widget_token: token, ..Default::default() });
            if let Some(origin) = origin {
                request.metadata_mut().insert("origin", origin.parse().unwrap());
            }
            let session = client.visitor().start_session(request).await.unwrap().into_inner();
            client.set_token(Some(session.visitor_token));
            client
        }
    };
    // The server's own pages (demo, try-it) and callers without an origin do not count.
    start(Some(server.url.trim_end_matches('/').to_owned())).await;
    start(None).await;
    let p = progress().await;
    assert!(p.widget_created && !p.widget_seen, "{p:?}");

    let visitor = start(Some("https://shop.example".into())).await;
    start(Some("https://other.example".into())).await;
    let p = progress().await;
    assert!(p.widget_seen, "{p:?}");
    assert_eq!(p.first_seen_origin, "https://shop.example", "the first site is kept");
    let seen = owner
        .widgets()
        .get_widget(pb::GetWidgetRequest { widget_id: widget.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .widget
        .unwrap();
    assert_eq!(seen.first_seen_origin, "https://shop.example");
    assert_eq!(seen.first_seen_time, p.first_seen_time);
    assert!(!p.team_invited && !p.business_hours_set && !p.chat_tried, "{p:?}");

    owner
        .workspace()
        .create_invite(pb::CreateInviteRequest { email: "teammate@example.com".into(), role: pb::Role::Agent.into() })
        .await
        .unwrap();
    let mut settings = seen.settings.clone().unwrap();
    settings.business_hours = Some(pb::BusinessHours {
        enabled: true,
        time_zone: "Europe/Berlin".into(),
        monday: Some(pb::DayHours { enabled: true, start: "09:00".into(), end: "17:00".into() }),
        ..Default::default()
    });
    owner
        .widgets()
        .update_widget(pb::UpdateWidgetRequest {
            widget_id: widget.id.clone(),
            settings: Some(settings),
            ..Default::default()
        })
        .await
        .unwrap();
    common::open_conversation(&visitor).await;
    let p = progress().await;
    assert!(p.team_invited && p.business_hours_set && p.chat_tried, "{p:?}");
    server.stop().await;
}
on_both_backends!(setup_progress_follows_what_exists);
