//! Golden tests of the formats that outlive the code: event bodies as the event log stores
//! them (`events.body`) and bus messages as replicas exchange them over Redis.
//!
//! Each fixture in `fixtures/` is what the code of its version wrote. The tests decode
//! every fixture with today's types and compare it with the value it was made from, so a
//! change that would stop an old log from replaying (a renamed or removed field, a new
//! field without a default) fails `cargo test`. To add a fixture for a new event kind, add
//! a sample below and run the tests once with `PORTHOLE_BLESS=1`; never rewrite a released
//! fixture.

use std::path::PathBuf;

use super::event::{BusMessage, ConversationView, Event, EventBody, MemberView, Typing, UpdateCause};
use crate::store::models::{ConversationRow, MessageRow, VisitorRow};

fn conversation() -> ConversationView {
    ConversationView {
        row: ConversationRow {
            id: "cnv_1".into(),
            workspace_id: "wsp_1".into(),
            widget_id: "wgt_1".into(),
            visitor_id: "vis_1".into(),
            status: "active".into(),
            priority: "high".into(),
            assignee_user_id: Some("usr_1".into()),
            tags: r#"["billing","vip"]"#.into(),
            source_url: "https://shop.example/cart".into(),
            source_title: "Cart".into(),
            last_message_preview: "Where is my order?".into(),
            last_seq: 7,
            visitor_last_seq: 6,
            agent_read_seq: 5,
            visitor_read_seq: 6,
            agent_unread: 1,
            rating: 0,
            rating_comment: String::new(),
            created_at: 1_764_000_000_000,
            updated_at: 1_764_000_100_000,
            last_message_at: 1_764_000_090_000,
            first_response_at: Some(1_764_000_030_000),
            resolved_at: None,
            closed_at: None,
            responder: "agents".into(),
            queued_at: None,
        },
        visitor_name: "Ada".into(),
        visitor_email: "ada@example.com".into(),
        assignee_name: "Grace".into(),
        queue_position: 0,
    }
}

fn message() -> MessageRow {
    MessageRow {
        id: "msg_1".into(),
        workspace_id: "wsp_1".into(),
        conversation_id: "cnv_1".into(),
        seq: 7,
        sender_type: "visitor".into(),
        sender_id: "vis_1".into(),
        sender_name: "Ada".into(),
        body: "Where is my order?".into(),
        internal: false,
        attachments: r#"[{"id":"att_1","workspace_id":"wsp_1","conversation_id":"cnv_1","uploader_id":"vis_1","file_name":"receipt.png","content_type":"image/png","size_bytes":2048,"message_id":"msg_1","created_at":1764000080000}]"#.into(),
        client_key: "k-1".into(),
        created_at: 1_764_000_090_000,
    }
}

fn visitor() -> VisitorRow {
    VisitorRow {
        id: "vis_1".into(),
        workspace_id: "wsp_1".into(),
        widget_id: "wgt_1".into(),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        external_id: Some("user-42".into()),
        verified: true,
        attributes: r#"{"plan":"pro"}"#.into(),
        current_url: "https://shop.example/cart".into(),
        current_title: "Cart".into(),
        referrer: "https://search.example/".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".into(),
        browser: "Firefox 140".into(),
        os: "Linux".into(),
        language: "en-GB".into(),
        time_zone: "Europe/London".into(),
        ip_address: "203.0.113.9".into(),
        page_views: 3,
        online: true,
        first_seen_at: 1_763_000_000_000,
        last_seen_at: 1_764_000_090_000,
        visit_started_at: 1_764_000_000_000,
    }
}

fn member() -> MemberView {
    MemberView {
        user_id: "usr_1".into(),
        email: "grace@example.com".into(),
        display_name: "Grace".into(),
        role: "agent".into(),
        joined_at: 1_762_000_000_000,
        status: "online".into(),
        presence: "online".into(),
        max_chats: 5,
        load: 2,
    }
}

/// One sample of every event body kind (and cause), by fixture name.
fn bodies() -> Vec<(&'static str, EventBody)> {
    vec![
        ("conversation_created", EventBody::ConversationCreated { conversation: conversation() }),
        (
            "conversation_updated",
            EventBody::ConversationUpdated { conversation: conversation(), cause: UpdateCause::Assignment },
        ),
        ("message_created", EventBody::MessageCreated { message: message() }),
        ("visitor_updated", EventBody::VisitorUpdated { visitor: visitor() }),
        (
            "assignment_notice",
            EventBody::AssignmentNotice { conversation: conversation(), recipient: "usr_1".into(), transfer: true },
        ),
        ("member_updated", EventBody::MemberUpdated { member: member() }),
    ]
}

/// Bus messages as one replica publishes them to the others.
fn bus_messages() -> Vec<(&'static str, BusMessage)> {
    vec![
        (
            "bus_event",
            BusMessage::Event(Event {
                workspace_id: "wsp_1".into(),
                seq: 42,
                visitor_id: Some("vis_1".into()),
                visitor_visible: true,
                visitor_prev_seq: Some(40),
                body: EventBody::MessageCreated { message: message() },
            }),
        ),
        (
            "bus_typing",
            BusMessage::Typing(Typing {
                workspace_id: "wsp_1".into(),
                conversation_id: "cnv_1".into(),
                visitor_id: "vis_1".into(),
                sender_type: "agent".into(),
                sender_id: "usr_1".into(),
                name: "Grace".into(),
                typing: true,
                internal: false,
            }),
        ),
    ]
}

fn fixture(version: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/realtime/fixtures").join(version).join(format!("{name}.json"))
}

/// Decodes each fixture of `version` and compares it with its sample (or, blessing,
/// writes the fixtures that do not exist yet).
fn check<T>(version: &str, samples: Vec<(&'static str, T)>)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bless = std::env::var_os("PORTHOLE_BLESS").is_some();
    for (name, sample) in samples {
        let path = fixture(version, name);
        if bless && !path.exists() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, serde_json::to_string_pretty(&sample).unwrap() + "\n").unwrap();
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (new kind? run once with PORTHOLE_BLESS=1)", path.display()));
        let decoded: T =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} no longer decodes: {e}", path.display()));
        assert_eq!(decoded, sample, "{} decodes to something else", path.display());
    }
}

#[test]
fn event_bodies_of_v1_still_decode() {
    check("v1", bodies());
}

#[test]
fn bus_messages_of_v1_still_decode() {
    check("v1", bus_messages());
}

/// Rows logged before `visit_started_at` existed lack it; they read as 0.
#[test]
fn a_visitor_logged_before_visits_existed_still_decodes() {
    let mut old: serde_json::Value = serde_json::to_value(EventBody::VisitorUpdated { visitor: visitor() }).unwrap();
    old["visitor"].as_object_mut().unwrap().remove("visit_started_at");
    let decoded: EventBody = serde_json::from_value(old).unwrap();
    let EventBody::VisitorUpdated { visitor: decoded } = decoded else { panic!("kind changed") };
    assert_eq!(decoded.visit_started_at, 0);
}
