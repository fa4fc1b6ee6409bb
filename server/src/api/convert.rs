//! Conversions between stored rows / domain types and proto messages.

use porthole_proto::v1 as pb;

use crate::attachments::Signer;
use crate::domain::account::Role;
use crate::domain::conversation::{Priority, Sender, Status};
use crate::domain::flow as df;
use crate::domain::job::JobState;
use crate::domain::routing::{AgentStatus, Mode, Responder};
use crate::domain::widget as dw;
use crate::realtime::event::{BusMessage, EventBody, Typing, UpdateCause};
use crate::realtime::payload::{Attachment, Message, Visitor, VisitorDelta};
use crate::realtime::payload::{ConversationView, MemberView};
use crate::store::models::{CannedResponseRow, InviteRow, JobRow, PageViewRow, UserRow, WidgetRow, WorkspaceRow};

/// Unix milliseconds as a protobuf timestamp.
pub fn timestamp(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: ms.div_euclid(1000), nanos: (ms.rem_euclid(1000) * 1_000_000) as i32 }
}

pub fn role_to_proto(role: Role) -> pb::Role {
    match role {
        Role::Owner => pb::Role::Owner,
        Role::Admin => pb::Role::Admin,
        Role::Agent => pb::Role::Agent,
    }
}

/// A proto role, `None` for unspecified or unknown values.
pub fn role_from_proto(value: i32) -> Option<Role> {
    match pb::Role::try_from(value).ok()? {
        pb::Role::Owner => Some(Role::Owner),
        pb::Role::Admin => Some(Role::Admin),
        pb::Role::Agent => Some(Role::Agent),
        pb::Role::Unspecified => None,
    }
}

pub fn user(row: &UserRow) -> pb::User {
    pb::User {
        id: row.id.to_string(),
        email: row.email.clone(),
        display_name: row.display_name.clone(),
        create_time: Some(timestamp(row.created_at)),
    }
}

pub fn workspace(row: &WorkspaceRow) -> pb::Workspace {
    pb::Workspace {
        id: row.id.to_string(),
        name: row.name.clone(),
        create_time: Some(timestamp(row.created_at)),
        routing_mode: match row.routing_mode {
            Mode::LeastLoaded => pb::RoutingMode::LeastLoaded,
            Mode::RoundRobin => pb::RoutingMode::RoundRobin,
            Mode::Manual => pb::RoutingMode::Manual,
        }
        .into(),
        unassign_on_offline: row.unassign_on_offline,
        time_zone: row.time_zone.clone(),
    }
}

pub fn invite(row: &InviteRow) -> pb::Invite {
    pb::Invite {
        id: row.id.to_string(),
        email: row.email.clone(),
        role: role_to_proto(row.role).into(),
        invited_by_user_id: row.invited_by.to_string(),
        create_time: Some(timestamp(row.created_at)),
        expire_time: Some(timestamp(row.expires_at)),
    }
}

/// A stored widget as the proto message; unreadable settings JSON reads as defaults
/// (logged), so one bad row cannot break a list.
pub fn widget(row: &WidgetRow) -> pb::Widget {
    let settings = stored_settings(row);
    pb::Widget {
        id: row.id.to_string(),
        name: row.name.clone(),
        public_token: row.public_token.clone(),
        active: row.active,
        settings: Some(settings_to_proto(&settings)),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        first_seen_time: row.first_seen_at.map(timestamp),
        first_seen_origin: row.first_seen_origin.clone(),
    }
}

pub fn canned_response(row: &CannedResponseRow) -> pb::CannedResponse {
    pb::CannedResponse {
        id: row.id.to_string(),
        shortcut: row.shortcut.clone(),
        title: row.title.clone(),
        body: row.body.clone(),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        created_by_user_id: row.created_by.to_string(),
        knowledge: row.knowledge,
    }
}

/// The widget's settings from their stored JSON.
pub fn stored_settings(row: &WidgetRow) -> dw::WidgetSettings {
    serde_json::from_str(&row.settings).unwrap_or_else(|error| {
        tracing::error!(widget_id = %row.id, %error, "stored widget settings unreadable; using defaults");
        dw::WidgetSettings::default()
    })
}

pub fn settings_to_proto(s: &dw::WidgetSettings) -> pb::WidgetSettings {
    let a = &s.appearance;
    let day = |d: &dw::DayHours| pb::DayHours { enabled: d.enabled, start: d.start.clone(), end: d.end.clone() };
    let h = &s.business_hours;
    pb::WidgetSettings {
        appearance: Some(pb::WidgetAppearance {
            primary_color: a.primary_color.clone(),
            text_color: a.text_color.clone(),
            position: match a.position {
                dw::Position::BottomRight => pb::WidgetPosition::BottomRight,
                dw::Position::BottomLeft => pb::WidgetPosition::BottomLeft,
                dw::Position::TopRight => pb::WidgetPosition::TopRight,
                dw::Position::TopLeft => pb::WidgetPosition::TopLeft,
            }
            .into(),
            border_radius: Some(a.border_radius),
            launcher_size: a.launcher_size,
            logo_url: a.logo_url.clone(),
            font_family: a.font_family.clone(),
            show_branding: a.show_branding,
            color_scheme: match a.color_scheme {
                dw::ColorScheme::Auto => pb::ColorScheme::Auto,
                dw::ColorScheme::Light => pb::ColorScheme::Light,
                dw::ColorScheme::Dark => pb::ColorScheme::Dark,
            }
            .into(),
        }),
        texts: Some(pb::WidgetTexts {
            welcome_title: s.texts.welcome_title.clone(),
            welcome_message: s.texts.welcome_message.clone(),
            input_placeholder: s.texts.input_placeholder.clone(),
            offline_message: s.texts.offline_message.clone(),
        }),
        behavior: Some(pb::WidgetBehavior {
            pre_chat_name: pre_chat_to_proto(s.behavior.pre_chat_name).into(),
            pre_chat_email: pre_chat_to_proto(s.behavior.pre_chat_email).into(),
            sound_enabled: s.behavior.sound_enabled,
            reopen_within_minutes: Some(s.behavior.reopen_within_minutes),
        }),
        business_hours: Some(pb::BusinessHours {
            enabled: h.enabled,
            time_zone: h.time_zone.clone(),
            monday: Some(day(&h.days[0])),
            tuesday: Some(day(&h.days[1])),
            wednesday: Some(day(&h.days[2])),
            thursday: Some(day(&h.days[3])),
            friday: Some(day(&h.days[4])),
            saturday: Some(day(&h.days[5])),
            sunday: Some(day(&h.days[6])),
        }),
        allowed_domains: s.allowed_domains.clone(),
        handler_type: match s.handler {
            dw::Handler::Agent => pb::HandlerType::Agent,
            dw::Handler::AiBot => pb::HandlerType::AiBot,
            dw::Handler::Workflow => pb::HandlerType::Workflow,
            dw::Handler::Hybrid => pb::HandlerType::Hybrid,
        }
        .into(),
        team_id: s.team_id.as_ref().map(ToString::to_string).unwrap_or_default(),
        flow: Some(flow_to_proto(&s.flow)),
        bot: Some(pb::BotSettings {
            name: s.bot.name.clone(),
            avatar_url: s.bot.avatar_url.clone(),
            instructions: s.bot.instructions.clone(),
            max_turns: i32::try_from(s.bot.max_turns).unwrap_or(i32::MAX),
        }),
    }
}

fn flow_to_proto(flow: &df::Flow) -> pb::GuidedFlow {
    let step = |s: &df::Step| pb::FlowStep {
        id: s.id.clone(),
        kind: match s.kind {
            df::StepKind::Unspecified => pb::FlowStepKind::Unspecified,
            df::StepKind::Message => pb::FlowStepKind::Message,
            df::StepKind::Question => pb::FlowStepKind::Question,
            df::StepKind::Collect => pb::FlowStepKind::Collect,
            df::StepKind::Branch => pb::FlowStepKind::Branch,
            df::StepKind::SetAttributes => pb::FlowStepKind::SetAttributes,
            df::StepKind::Route => pb::FlowStepKind::Route,
            df::StepKind::End => pb::FlowStepKind::End,
        }
        .into(),
        text: s.text.clone(),
        choices: s.choices.iter().map(|c| pb::FlowChoice { label: c.label.clone(), next: c.next.clone() }).collect(),
        field: match s.field {
            df::Field::Unspecified => pb::FlowField::Unspecified,
            df::Field::Text => pb::FlowField::Text,
            df::Field::Email => pb::FlowField::Email,
            df::Field::Phone => pb::FlowField::Phone,
            df::Field::OrderNumber => pb::FlowField::OrderNumber,
        }
        .into(),
        attribute: s.attribute.clone(),
        attributes: s.attributes.clone().into_iter().collect(),
        cases: s.cases.iter().map(|c| pb::FlowCase { equals: c.equals.clone(), next: c.next.clone() }).collect(),
        next: s.next.clone(),
        team_id: s.team_id.as_ref().map(ToString::to_string).unwrap_or_default(),
        invalid_text: s.invalid_text.clone(),
    };
    pb::GuidedFlow { steps: flow.steps.iter().map(step).collect() }
}

/// A flow as the domain holds it; route steps' team ids are left `None` here and set by
/// the widget API once it has checked them (`route_teams`).
fn flow_from_proto(flow: pb::GuidedFlow) -> df::Flow {
    let step = |s: pb::FlowStep| df::Step {
        id: s.id,
        kind: match pb::FlowStepKind::try_from(s.kind) {
            Ok(pb::FlowStepKind::Message) => df::StepKind::Message,
            Ok(pb::FlowStepKind::Question) => df::StepKind::Question,
            Ok(pb::FlowStepKind::Collect) => df::StepKind::Collect,
            Ok(pb::FlowStepKind::Branch) => df::StepKind::Branch,
            Ok(pb::FlowStepKind::SetAttributes) => df::StepKind::SetAttributes,
            Ok(pb::FlowStepKind::Route) => df::StepKind::Route,
            Ok(pb::FlowStepKind::End) => df::StepKind::End,
            _ => df::StepKind::Unspecified,
        },
        text: s.text,
        choices: s.choices.into_iter().map(|c| df::Choice { label: c.label, next: c.next }).collect(),
        field: match pb::FlowField::try_from(s.field) {
            Ok(pb::FlowField::Text) => df::Field::Text,
            Ok(pb::FlowField::Email) => df::Field::Email,
            Ok(pb::FlowField::Phone) => df::Field::Phone,
            Ok(pb::FlowField::OrderNumber) => df::Field::OrderNumber,
            _ => df::Field::Unspecified,
        },
        attribute: s.attribute,
        attributes: s.attributes.into_iter().collect(),
        cases: s.cases.into_iter().map(|c| df::Case { equals: c.equals, next: c.next }).collect(),
        next: s.next,
        team_id: None,
        invalid_text: s.invalid_text,
    };
    df::Flow { steps: flow.steps.into_iter().map(step).collect() }
}

fn pre_chat_to_proto(field: dw::PreChatField) -> pb::PreChatField {
    match field {
        dw::PreChatField::Hidden => pb::PreChatField::Hidden,
        dw::PreChatField::Optional => pb::PreChatField::Optional,
        dw::PreChatField::Required => pb::PreChatField::Required,
    }
}

fn pre_chat_from_proto(value: i32) -> dw::PreChatField {
    match pb::PreChatField::try_from(value) {
        Ok(pb::PreChatField::Optional) => dw::PreChatField::Optional,
        Ok(pb::PreChatField::Required) => dw::PreChatField::Required,
        _ => dw::PreChatField::Hidden,
    }
}

/// Proto settings as domain settings, applying the documented defaults (unset
/// sub-messages whole; empty strings and zero numbers inside set ones). Not validated.
pub fn settings_from_proto(p: pb::WidgetSettings) -> dw::WidgetSettings {
    let defaults = dw::WidgetSettings::default();
    let or = |value: String, default: &str| {
        if value.trim().is_empty() { default.to_owned() } else { value }
    };

    let appearance = match p.appearance {
        None => defaults.appearance.clone(),
        Some(a) => {
            let d = &defaults.appearance;
            dw::Appearance {
                primary_color: or(a.primary_color, &d.primary_color),
                text_color: or(a.text_color, &d.text_color),
                position: match pb::WidgetPosition::try_from(a.position) {
                    Ok(pb::WidgetPosition::BottomLeft) => dw::Position::BottomLeft,
                    Ok(pb::WidgetPosition::TopRight) => dw::Position::TopRight,
                    Ok(pb::WidgetPosition::TopLeft) => dw::Position::TopLeft,
                    _ => dw::Position::BottomRight,
                },
                border_radius: a.border_radius.unwrap_or(d.border_radius),
                launcher_size: if a.launcher_size == 0 { d.launcher_size } else { a.launcher_size },
                logo_url: a.logo_url.trim().to_owned(),
                font_family: a.font_family.trim().to_owned(),
                show_branding: a.show_branding,
                color_scheme: match pb::ColorScheme::try_from(a.color_scheme) {
                    Ok(pb::ColorScheme::Light) => dw::ColorScheme::Light,
                    Ok(pb::ColorScheme::Dark) => dw::ColorScheme::Dark,
                    _ => dw::ColorScheme::Auto,
                },
            }
        }
    };
    let texts = match p.texts {
        None => defaults.texts.clone(),
        Some(t) => {
            let d = &defaults.texts;
            dw::Texts {
                welcome_title: or(t.welcome_title, &d.welcome_title),
                welcome_message: or(t.welcome_message, &d.welcome_message),
                input_placeholder: or(t.input_placeholder, &d.input_placeholder),
                offline_message: or(t.offline_message, &d.offline_message),
            }
        }
    };
    let behavior = match p.behavior {
        None => defaults.behavior.clone(),
        Some(b) => dw::Behavior {
            pre_chat_name: pre_chat_from_proto(b.pre_chat_name),
            pre_chat_email: pre_chat_from_proto(b.pre_chat_email),
            sound_enabled: b.sound_enabled,
            reopen_within_minutes: b.reopen_within_minutes.unwrap_or(defaults.behavior.reopen_within_minutes),
        },
    };
    let business_hours = match p.business_hours {
        None => defaults.business_hours.clone(),
        Some(h) => {
            let day = |d: Option<pb::DayHours>| {
                d.map(|d| dw::DayHours {
                    enabled: d.enabled,
                    start: d.start.trim().to_owned(),
                    end: d.end.trim().to_owned(),
                })
                .unwrap_or_default()
            };
            dw::BusinessHours {
                enabled: h.enabled,
                time_zone: or(h.time_zone, &defaults.business_hours.time_zone).trim().to_owned(),
                days: [
                    day(h.monday),
                    day(h.tuesday),
                    day(h.wednesday),
                    day(h.thursday),
                    day(h.friday),
                    day(h.saturday),
                    day(h.sunday),
                ],
            }
        }
    };
    dw::WidgetSettings {
        appearance,
        texts,
        behavior,
        business_hours,
        allowed_domains: p.allowed_domains,
        handler: match pb::HandlerType::try_from(p.handler_type) {
            Ok(pb::HandlerType::AiBot) => dw::Handler::AiBot,
            Ok(pb::HandlerType::Workflow) => dw::Handler::Workflow,
            Ok(pb::HandlerType::Hybrid) => dw::Handler::Hybrid,
            _ => dw::Handler::Agent,
        },
        // Checked and set by the widget API, which can ask the store whether it exists.
        team_id: None,
        flow: p.flow.map(flow_from_proto).unwrap_or_default(),
        bot: match p.bot {
            None => defaults.bot,
            Some(b) => dw::Bot {
                name: b.name,
                avatar_url: b.avatar_url,
                instructions: b.instructions,
                max_turns: u32::try_from(b.max_turns).unwrap_or(u32::MAX),
            },
        },
    }
}

pub fn status_to_proto(status: Status) -> pb::ConversationStatus {
    match status {
        Status::Pending => pb::ConversationStatus::Pending,
        Status::Active => pb::ConversationStatus::Active,
        Status::Waiting => pb::ConversationStatus::Waiting,
        Status::Resolved => pb::ConversationStatus::Resolved,
        Status::Closed => pb::ConversationStatus::Closed,
    }
}

/// A proto status; `None` for unspecified or unknown values.
pub fn status_from_proto(value: i32) -> Option<Status> {
    Some(match pb::ConversationStatus::try_from(value).ok()? {
        pb::ConversationStatus::Pending => Status::Pending,
        pb::ConversationStatus::Active => Status::Active,
        pb::ConversationStatus::Waiting => Status::Waiting,
        pb::ConversationStatus::Resolved => Status::Resolved,
        pb::ConversationStatus::Closed => Status::Closed,
        pb::ConversationStatus::Unspecified => return None,
    })
}

pub fn priority_to_proto(priority: Priority) -> pb::Priority {
    match priority {
        Priority::Low => pb::Priority::Low,
        Priority::Normal => pb::Priority::Normal,
        Priority::High => pb::Priority::High,
        Priority::Urgent => pb::Priority::Urgent,
    }
}

/// A proto priority; `None` for unspecified or unknown values.
pub fn priority_from_proto(value: i32) -> Option<Priority> {
    Some(match pb::Priority::try_from(value).ok()? {
        pb::Priority::Low => Priority::Low,
        pb::Priority::Normal => Priority::Normal,
        pb::Priority::High => Priority::High,
        pb::Priority::Urgent => Priority::Urgent,
        pb::Priority::Unspecified => return None,
    })
}

pub fn sender_to_proto(sender: Sender) -> pb::SenderType {
    match sender {
        Sender::Visitor => pb::SenderType::Visitor,
        Sender::Agent => pb::SenderType::Agent,
        Sender::Bot => pb::SenderType::Bot,
        Sender::System => pb::SenderType::System,
    }
}

fn opt_timestamp(ms: Option<i64>) -> Option<prost_types::Timestamp> {
    ms.map(timestamp)
}

pub fn attachment(file: &Attachment, signer: &Signer) -> pb::Attachment {
    pb::Attachment {
        id: file.id.to_string(),
        file_name: file.file_name.clone(),
        content_type: file.content_type.clone(),
        size_bytes: file.size_bytes,
        url: signer.url(&file.id, &file.file_name),
    }
}

pub fn message(m: &Message, signer: &Signer) -> pb::Message {
    pb::Message {
        id: m.id.to_string(),
        conversation_id: m.conversation_id.to_string(),
        seq: m.seq,
        sender_type: sender_to_proto(m.sender_type).into(),
        sender_id: m.sender_id.clone(),
        sender_name: m.sender_name.clone(),
        body: m.body.clone(),
        internal: m.internal,
        attachments: m.attachments.iter().map(|f| attachment(f, signer)).collect(),
        client_key: m.client_key.clone(),
        create_time: Some(timestamp(m.created_at)),
        citations: m
            .citations
            .iter()
            .map(|c| pb::Citation { article_id: c.article_id.to_string(), title: c.title.clone(), url: c.url.clone() })
            .collect(),
        quick_replies: m.quick_replies.clone(),
        automated: m.automated(),
    }
}

pub fn conversation(view: &ConversationView) -> pb::Conversation {
    let row = &view.conversation;
    pb::Conversation {
        id: row.id.to_string(),
        widget_id: row.widget_id.to_string(),
        visitor_id: row.visitor_id.to_string(),
        visitor_name: view.visitor_name.clone(),
        visitor_email: view.visitor_email.clone(),
        status: status_to_proto(row.status).into(),
        priority: priority_to_proto(row.priority).into(),
        assignee_user_id: row.assignee_user_id.as_ref().map(ToString::to_string).unwrap_or_default(),
        tags: row.tags.clone(),
        source_url: row.source_url.clone(),
        source_title: row.source_title.clone(),
        last_message_preview: row.last_message_preview.clone(),
        last_seq: row.last_seq,
        agent_read_seq: row.agent_read_seq,
        visitor_read_seq: row.visitor_read_seq,
        unread_count: row.agent_unread,
        rating: row.rating,
        rating_comment: row.rating_comment.clone(),
        create_time: Some(timestamp(row.created_at)),
        last_message_time: Some(timestamp(row.last_message_at)),
        first_response_time: opt_timestamp(row.first_response_at),
        resolve_time: opt_timestamp(row.resolved_at),
        close_time: opt_timestamp(row.closed_at),
        responder: match row.responder {
            Responder::Agents => pb::Responder::Agents,
            Responder::Bot => pb::Responder::Bot,
            Responder::Workflow => pb::Responder::Workflow,
        }
        .into(),
        queue_time: opt_timestamp(row.queued_at),
        queue_position: i32::try_from(view.queue_position).unwrap_or(i32::MAX),
        left_offline: row.left_offline,
        team_id: row.team_id.as_ref().map(ToString::to_string).unwrap_or_default(),
    }
}

/// A routing mode from the proto; `None` for unspecified.
pub fn mode_from_proto(value: i32) -> Option<Mode> {
    match pb::RoutingMode::try_from(value).ok()? {
        pb::RoutingMode::LeastLoaded => Some(Mode::LeastLoaded),
        pb::RoutingMode::RoundRobin => Some(Mode::RoundRobin),
        pb::RoutingMode::Manual => Some(Mode::Manual),
        pb::RoutingMode::Unspecified => None,
    }
}

pub fn agent_status_to_proto(status: AgentStatus) -> pb::AgentStatus {
    match status {
        AgentStatus::Online => pb::AgentStatus::Online,
        AgentStatus::Away => pb::AgentStatus::Away,
        AgentStatus::Busy => pb::AgentStatus::Busy,
        AgentStatus::Offline => pb::AgentStatus::Offline,
    }
}

/// An agent status from the proto; `None` for unspecified.
pub fn agent_status_from_proto(value: i32) -> Option<AgentStatus> {
    match pb::AgentStatus::try_from(value).ok()? {
        pb::AgentStatus::Online => Some(AgentStatus::Online),
        pb::AgentStatus::Away => Some(AgentStatus::Away),
        pb::AgentStatus::Busy => Some(AgentStatus::Busy),
        pb::AgentStatus::Offline => Some(AgentStatus::Offline),
        pb::AgentStatus::Unspecified => None,
    }
}

pub fn member_view(view: &MemberView) -> pb::Member {
    pb::Member {
        user_id: view.user_id.to_string(),
        email: view.email.clone(),
        display_name: view.display_name.clone(),
        role: role_to_proto(view.role).into(),
        join_time: Some(timestamp(view.joined_at)),
        status: agent_status_to_proto(view.status).into(),
        presence: agent_status_to_proto(view.presence).into(),
        max_concurrent_chats: i32::try_from(view.max_chats).unwrap_or(i32::MAX),
        current_load: i32::try_from(view.load).unwrap_or(i32::MAX),
    }
}

pub fn visitor_conversation(view: &ConversationView) -> pb::VisitorConversation {
    let row = &view.conversation;
    pb::VisitorConversation {
        id: row.id.to_string(),
        status: status_to_proto(row.status).into(),
        agent_name: view.assignee_name.clone(),
        last_seq: row.visitor_last_seq,
        agent_read_seq: row.agent_read_seq,
        rating: row.rating,
        create_time: Some(timestamp(row.created_at)),
        last_message_time: Some(timestamp(row.last_message_at)),
        queue_position: i32::try_from(view.queue_position).unwrap_or(i32::MAX),
        with_bot: row.responder == Responder::Bot,
        with_flow: row.responder == Responder::Workflow,
    }
}

pub fn visitor(row: &Visitor) -> pb::Visitor {
    pb::Visitor { id: row.id.to_string(), name: row.name.clone(), email: row.email.clone(), verified: row.verified }
}

pub fn visitor_profile(row: &Visitor) -> pb::VisitorProfile {
    pb::VisitorProfile {
        id: row.id.to_string(),
        name: row.name.clone(),
        email: row.email.clone(),
        verified: row.verified,
        external_id: row.external_id.clone().unwrap_or_default(),
        attributes: serde_json::from_str(&row.attributes).unwrap_or_default(),
        current_url: row.current_url.clone(),
        current_title: row.current_title.clone(),
        referrer: row.referrer.clone(),
        browser: row.browser.clone(),
        os: row.os.clone(),
        language: row.language.clone(),
        time_zone: row.time_zone.clone(),
        ip_address: row.ip_address.clone(),
        online: row.online,
        first_seen_time: Some(timestamp(row.first_seen_at)),
        last_seen_time: Some(timestamp(row.last_seen_at)),
        widget_id: row.widget_id.to_string(),
        page_views: row.page_views,
        visit_start_time: Some(timestamp(row.visit_started_at)).filter(|_| row.visit_started_at > 0),
        country_code: row.country_code.clone(),
        city: row.city.clone(),
    }
}

fn visitor_change(id: &str, d: &VisitorDelta) -> pb::VisitorChange {
    pb::VisitorChange {
        id: id.to_owned(),
        name: d.name.clone(),
        email: d.email.clone(),
        verified: d.verified,
        external_id: d.external_id.clone(),
        attributes: d
            .attributes
            .as_deref()
            .map(|json| pb::VisitorAttributes { values: serde_json::from_str(json).unwrap_or_default() }),
        current_url: d.current_url.clone(),
        current_title: d.current_title.clone(),
        referrer: d.referrer.clone(),
        browser: d.browser.clone(),
        os: d.os.clone(),
        language: d.language.clone(),
        time_zone: d.time_zone.clone(),
        ip_address: d.ip_address.clone(),
        online: d.online,
        last_seen_time: d.last_seen_at.map(timestamp),
        page_views: d.page_views,
        visit_start_time: d.visit_started_at.filter(|at| *at > 0).map(timestamp),
        country_code: d.country_code.clone(),
        city: d.city.clone(),
    }
}

/// A background job as owners see it (never its payload: it may hold a secret link).
pub fn job(row: &JobRow) -> pb::Job {
    let state = match row.state {
        JobState::Queued => pb::JobState::Queued,
        JobState::Running => pb::JobState::Running,
        JobState::Done => pb::JobState::Done,
        JobState::Failed => pb::JobState::Failed,
    };
    pb::Job {
        id: row.id.to_string(),
        kind: row.kind.clone(),
        summary: row.summary.clone(),
        state: state.into(),
        attempts: row.attempts,
        max_attempts: row.max_attempts,
        last_error: row.last_error.clone(),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        next_attempt_time: (row.state == JobState::Queued).then(|| timestamp(row.run_at)),
    }
}

pub fn page_view(row: &PageViewRow) -> pb::PageView {
    pb::PageView {
        url: row.url.clone(),
        title: row.title.clone(),
        referrer: row.referrer.clone(),
        view_time: Some(timestamp(row.viewed_at)),
    }
}

fn typing(t: &Typing) -> pb::TypingEvent {
    pb::TypingEvent {
        conversation_id: t.conversation_id.to_string(),
        sender_type: sender_to_proto(t.sender_type).into(),
        sender_id: t.sender_id.clone(),
        name: t.name.clone(),
        typing: t.typing,
        internal: t.internal,
        draft: t.draft.clone(),
    }
}

/// A bus message as the agents' feed shows it.
/// A bus message as the workspace feed shows it (`None`: nothing to show).
pub fn workspace_event(item: &BusMessage, signer: &Signer) -> Option<pb::watch_workspace_response::Event> {
    use pb::watch_workspace_response::Event as E;
    Some(match item {
        BusMessage::Typing(t) => E::Typing(typing(t)),
        BusMessage::Event(event) => match &event.body {
            EventBody::ConversationCreated { conversation: c } => E::ConversationCreated(conversation(c)),
            EventBody::ConversationUpdated { conversation: c, .. } => E::ConversationUpdated(conversation(c)),
            EventBody::MessageCreated { message: m } => E::MessageCreated(message(m, signer)),
            EventBody::VisitorUpdated { visitor } => E::VisitorUpdated(visitor_profile(visitor)),
            EventBody::VisitorChanged { visitor_id, changes } => E::VisitorChanged(visitor_change(visitor_id, changes)),
            EventBody::AssignmentNotice { conversation: c, transfer, .. } => {
                E::AssignedToYou(pb::AssignmentNotice { conversation: Some(conversation(c)), transfer: *transfer })
            }
            EventBody::MemberUpdated { member } => E::MemberUpdated(member_view(member)),
            EventBody::VisitorErased { visitor_id, conversation_ids } => E::VisitorErased(pb::VisitorErased {
                visitor_id: visitor_id.to_string(),
                conversation_ids: conversation_ids.iter().map(ToString::to_string).collect(),
            }),
            EventBody::Erased => return None,
        },
    })
}

/// A bus message as a visitor's feed shows it (`None`: nothing for visitors).
pub fn visitor_event(item: &BusMessage, signer: &Signer) -> Option<pb::watch_visitor_feed_response::Event> {
    use pb::watch_visitor_feed_response::Event as E;
    Some(match item {
        BusMessage::Typing(t) => E::Typing(pb::VisitorTypingEvent {
            conversation_id: t.conversation_id.to_string(),
            typing: t.typing,
            name: t.name.clone(),
            draft: t.draft.clone(),
        }),
        BusMessage::Event(event) => match &event.body {
            EventBody::ConversationUpdated { conversation: c, cause: UpdateCause::AgentRead } => {
                E::Read(pb::VisitorReadEvent {
                    conversation_id: c.conversation.id.to_string(),
                    seq: c.conversation.agent_read_seq,
                })
            }
            EventBody::ConversationCreated { conversation: c }
            | EventBody::ConversationUpdated { conversation: c, .. } => E::ConversationUpdated(visitor_conversation(c)),
            EventBody::MessageCreated { message: m } if !m.internal => E::MessageCreated(message(m, signer)),
            EventBody::MessageCreated { .. }
            | EventBody::VisitorUpdated { .. }
            | EventBody::VisitorChanged { .. }
            | EventBody::AssignmentNotice { .. }
            | EventBody::MemberUpdated { .. }
            | EventBody::VisitorErased { .. }
            | EventBody::Erased => return None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_proto() {
        let mut s = dw::WidgetSettings::default();
        s.appearance.position = dw::Position::TopLeft;
        s.appearance.border_radius = 0;
        s.appearance.color_scheme = dw::ColorScheme::Dark;
        s.behavior.pre_chat_email = dw::PreChatField::Required;
        s.behavior.reopen_within_minutes = 0;
        s.business_hours.days[6] = dw::DayHours { enabled: true, start: "10:00".into(), end: "24:00".into() };
        s.allowed_domains = vec!["example.com".into()];
        s.handler = dw::Handler::AiBot;
        assert_eq!(settings_from_proto(settings_to_proto(&s)), s);
    }

    #[test]
    fn unset_settings_take_defaults() {
        assert_eq!(settings_from_proto(pb::WidgetSettings::default()), dw::WidgetSettings::default());
    }

    #[test]
    fn timestamps_from_millis() {
        let t = timestamp(1_700_000_000_123);
        assert_eq!((t.seconds, t.nanos), (1_700_000_000, 123_000_000));
        let t = timestamp(-1);
        assert_eq!((t.seconds, t.nanos), (-1, 999_000_000));
    }
}
