//! Golden tests of the formats that outlive the code: event bodies as the event log stores
//! them (`events.body`) and bus messages as replicas exchange them over Redis.
//!
//! Each fixture in `fixtures/` is what the code of its version wrote. The tests decode
//! every fixture with today's types and encode the result again: a change that would stop
//! an old log from replaying (a new field without a default, a changed value format) or
//! lose what it holds (a renamed or removed field, unless listed in [`DROPPED`]) fails
//! `cargo test`. To add a fixture for a new event kind, add a sample below and run the
//! tests once with `PORTHOLE_BLESS=1`; never rewrite a released fixture.

use std::path::PathBuf;

use super::event::{BusMessage, Event, EventBody, Typing, UpdateCause};
use super::payload::{Attachment, Conversation, ConversationView, MemberView, Message, Visitor, VisitorDelta};
use crate::domain::account::Role;
use crate::domain::conversation::{Priority, Sender, Status};
use crate::domain::routing::{AgentStatus, Responder};

pub(crate) fn conversation() -> ConversationView {
    ConversationView {
        conversation: Conversation {
            id: "cnv_1".into(),
            workspace_id: "wsp_1".into(),
            widget_id: "wgt_1".into(),
            visitor_id: "vis_1".into(),
            status: Status::Active,
            priority: Priority::High,
            assignee_user_id: Some("usr_1".into()),
            tags: vec!["billing".into(), "vip".into()],
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
            responder: Responder::Agents,
            queued_at: None,
            left_offline: false,
            team_id: None,
        },
        visitor_name: "Ada".into(),
        visitor_email: "ada@example.com".into(),
        assignee_name: "Grace".into(),
        queue_position: 0,
    }
}

pub(crate) fn message() -> Message {
    Message {
        id: "msg_1".into(),
        workspace_id: "wsp_1".into(),
        conversation_id: "cnv_1".into(),
        seq: 7,
        sender_type: Sender::Visitor,
        sender_id: "vis_1".into(),
        sender_name: "Ada".into(),
        body: "Where is my order?".into(),
        internal: false,
        attachments: vec![Attachment {
            id: "att_1".into(),
            workspace_id: "wsp_1".into(),
            conversation_id: "cnv_1".into(),
            uploader_id: "vis_1".into(),
            file_name: "receipt.png".into(),
            content_type: "image/png".into(),
            size_bytes: 2048,
            message_id: Some("msg_1".into()),
            created_at: 1_764_000_080_000,
        }],
        client_key: "k-1".into(),
        created_at: 1_764_000_090_000,
        citations: Vec::new(),
        quick_replies: Vec::new(),
    }
}

fn visitor() -> Visitor {
    Visitor {
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
        // Added after v1 (the v1 fixture lacks it and decodes it as empty).
        country_code: "DE".into(),
        city: "Berlin".into(),
    }
}

/// A page view's change: the page, the count and the time, nothing else.
fn visitor_changes() -> VisitorDelta {
    VisitorDelta {
        current_url: Some("https://shop.example/checkout".into()),
        current_title: Some("Checkout".into()),
        page_views: Some(4),
        last_seen_at: Some(1_764_000_120_000),
        ..VisitorDelta::default()
    }
}

fn member() -> MemberView {
    MemberView {
        user_id: "usr_1".into(),
        email: "grace@example.com".into(),
        display_name: "Grace".into(),
        role: Role::Agent,
        joined_at: 1_762_000_000_000,
        status: AgentStatus::Online,
        presence: AgentStatus::Online,
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
        ("visitor_changed", EventBody::VisitorChanged { visitor_id: "vis_1".into(), changes: visitor_changes() }),
        (
            "assignment_notice",
            EventBody::AssignmentNotice { conversation: conversation(), recipient: "usr_1".into(), transfer: true },
        ),
        ("member_updated", EventBody::MemberUpdated { member: member() }),
        (
            "visitor_erased",
            EventBody::VisitorErased { visitor_id: "vis_1".into(), conversation_ids: vec!["cnv_1".into()] },
        ),
        ("erased", EventBody::Erased),
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
                sender_type: Sender::Agent,
                sender_id: "usr_1".into(),
                name: "Grace".into(),
                typing: true,
                internal: false,
                draft: String::new(),
            }),
        ),
    ]
}

/// Fields a later version stopped carrying on purpose, as (fixture, JSON pointer): old
/// events still decode, and the value is ignored. Anything else a fixture holds must come
/// back out unchanged, so a field cannot be dropped or renamed by accident.
const DROPPED: &[(&str, &str)] = &[
    // Feeds never showed the raw user agent (agents see browser and OS); it stays in the
    // store and no longer goes into the log and onto Redis with every visitor update.
    ("visitor_updated", "/visitor/user_agent"),
];

fn fixtures(version: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/realtime/fixtures").join(version)
}

/// Every leaf of `value` as (JSON pointer, value).
fn leaves(value: &serde_json::Value, at: String, out: &mut Vec<(String, serde_json::Value)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                leaves(inner, format!("{at}/{key}"), out);
            }
        }
        other => out.push((at, other.clone())),
    }
}

/// Decodes each fixture of `version` with today's types (or, blessing, first writes the
/// fixtures that do not exist yet) and checks that encoding the result again gives back
/// every field of the fixture but the [`DROPPED`] ones.
fn check<T>(version: &str, samples: Vec<(&'static str, T)>)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bless = std::env::var_os("PORTHOLE_BLESS").is_some();
    for (name, sample) in samples {
        let path = fixtures(version).join(format!("{name}.json"));
        if bless && !path.exists() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, serde_json::to_string_pretty(&sample).unwrap() + "\n").unwrap();
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (new kind? run once with PORTHOLE_BLESS=1)", path.display()));
        let decoded: T =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} no longer decodes: {e}", path.display()));
        let original: serde_json::Value = serde_json::from_str(&text).unwrap();
        let again = serde_json::to_value(&decoded).unwrap();
        let mut fields = Vec::new();
        leaves(&original, String::new(), &mut fields);
        for (pointer, value) in fields {
            if DROPPED.contains(&(name, pointer.as_str())) {
                continue;
            }
            assert_eq!(again.pointer(&pointer), Some(&value), "{}: {pointer} lost or changed", path.display());
        }
    }
}

/// Every committed fixture is checked: a kind cannot disappear with its sample.
#[test]
fn every_fixture_has_a_sample() {
    let mut named: Vec<&str> = bodies().iter().map(|(n, _)| *n).collect();
    named.extend(bus_messages().iter().map(|(n, _)| *n));
    for entry in std::fs::read_dir(fixtures("v1")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let name = file.trim_end_matches(".json");
        assert!(named.contains(&name), "fixture {file} has no sample in golden.rs");
    }
}

/// Today's samples read back as themselves (the encoding round-trips).
#[test]
fn samples_round_trip() {
    for (name, body) in bodies() {
        let again: EventBody = serde_json::from_str(&serde_json::to_string(&body).unwrap()).unwrap();
        assert_eq!(again, body, "{name}");
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
