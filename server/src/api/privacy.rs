//! A person's rights over their data, as the site's admins exercise them for a visitor:
//! everything stored about them as one JSON document (`ExportVisitorData`), and erasure
//! (`EraseVisitor`). Both are recorded in the audit log.

use crate::domain::id::VisitorId;
use porthole_proto::v1 as pb;
use serde_json::{Value, json};

use super::audit::{self, Action};
use super::chat;
use crate::AppState;
use crate::attachments::Signer;
use crate::auth::Agent;
use crate::error::Error;
use crate::store::models::{AttachmentRow, MessageRow};
use crate::store::now_ms;
use crate::store::privacy::VisitorData;

/// "1 conversation", "3 conversations".
fn conversations_detail(count: usize) -> String {
    if count == 1 { "1 conversation".to_owned() } else { format!("{count} conversations") }
}

fn required_id(visitor_id: &str) -> Result<VisitorId, Error> {
    let id = visitor_id.trim();
    if id.is_empty() {
        return Err(Error::invalid("visitor_id", "must not be empty"));
    }
    Ok(VisitorId::parse(id)?)
}

/// Unix milliseconds as RFC 3339 (UTC); `null` for none.
fn time(ms: Option<i64>) -> Value {
    ms.and_then(chrono::DateTime::from_timestamp_millis).map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

fn file(row: &AttachmentRow, signer: &Signer) -> Value {
    json!({
        "id": row.id,
        "file_name": row.file_name,
        "content_type": row.content_type,
        "size_bytes": row.size_bytes,
        "uploaded_at": time(Some(row.created_at)),
        "sent_with_message": row.message_id,
        "download_url": signer.url(&row.id, &row.file_name),
    })
}

fn message(row: &MessageRow) -> Value {
    json!({
        "id": row.id,
        "seq": row.seq,
        "sender": row.sender_type.as_str(),
        "sender_name": row.sender_name,
        "body": row.body,
        "internal_note": row.internal,
        "sent_at": time(Some(row.created_at)),
        "attachment_ids": serde_json::from_str::<Vec<AttachmentRow>>(&row.attachments)
            .map(|files| files.into_iter().map(|f| f.id).collect::<Vec<_>>())
            .unwrap_or_default(),
    })
}

/// The export document (documented on `ExportVisitorDataResponse.json`).
pub fn document(data: &VisitorData, signer: &Signer, now: i64) -> Value {
    let v = &data.visitor;
    let attributes: Value = serde_json::from_str(&v.attributes).unwrap_or(Value::Null);
    json!({
        "exported_at": time(Some(now)),
        "visitor": {
            "id": v.id,
            "widget_id": v.widget_id,
            "name": v.name,
            "email": v.email,
            "external_id": v.external_id,
            "verified": v.verified,
            "attributes": attributes,
            "current_url": v.current_url,
            "current_title": v.current_title,
            "referrer": v.referrer,
            "user_agent": v.user_agent,
            "browser": v.browser,
            "os": v.os,
            "language": v.language,
            "time_zone": v.time_zone,
            "ip_address": v.ip_address,
            "country_code": v.country_code,
            "city": v.city,
            "page_views": v.page_views,
            "first_seen_at": time(Some(v.first_seen_at)),
            "last_seen_at": time(Some(v.last_seen_at)),
        },
        "page_views": data.page_views.iter().map(|p| json!({
            "url": p.url,
            "title": p.title,
            "referrer": p.referrer,
            "viewed_at": time(Some(p.viewed_at)),
        })).collect::<Vec<_>>(),
        "conversations": data.conversations.iter().map(|(c, messages, files)| json!({
            "id": c.id,
            "status": c.status.as_str(),
            "priority": c.priority.as_str(),
            "tags": serde_json::from_str::<Value>(&c.tags).unwrap_or(Value::Null),
            "started_on": c.source_url,
            "rating": (c.rating > 0).then_some(c.rating),
            "rating_comment": c.rating_comment,
            "created_at": time(Some(c.created_at)),
            "resolved_at": time(c.resolved_at),
            "closed_at": time(c.closed_at),
            "messages": messages.iter().map(message).collect::<Vec<_>>(),
            "attachments": files.iter().map(|f| file(f, signer)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// `ExportVisitorData`.
pub async fn export(state: &AppState, agent: &Agent, visitor_id: &str) -> Result<pb::ExportVisitorDataResponse, Error> {
    let id = &required_id(visitor_id)?;
    let data = state.store.visitor_data(&agent.workspace_id, id).await?.ok_or(Error::NotFound("visitor"))?;
    let document = document(&data, &state.signer, now_ms());
    let json = serde_json::to_string_pretty(&document).map_err(Error::internal)?;
    audit::record(state, agent, Action::VisitorExported, id, conversations_detail(data.conversations.len())).await;
    Ok(pb::ExportVisitorDataResponse { json, file_name: format!("visitor-{id}.json") })
}

/// `EraseVisitor`: rows in one transaction, then the files, then the news.
pub async fn erase(state: &AppState, agent: &Agent, visitor_id: &str) -> Result<pb::EraseVisitorResponse, Error> {
    let id = &required_id(visitor_id)?;
    let erased =
        state.store.erase_visitor(&agent.workspace_id, id, now_ms()).await?.ok_or(Error::NotFound("visitor"))?;
    crate::attachments::remove_files(&state.config.data_dir, &erased.attachments, "visitor erased").await;
    chat::publish(state, erased.events).await;
    let conversations = erased.conversation_ids.len();
    audit::record(state, agent, Action::VisitorErased, id, conversations_detail(conversations)).await;
    Ok(pb::EraseVisitorResponse { conversations: i32::try_from(conversations).unwrap_or(i32::MAX) })
}
