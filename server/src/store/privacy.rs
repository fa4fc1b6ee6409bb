//! A visitor's data as a whole: everything stored about them, read at once for an export,
//! and erased at once.

use crate::domain::id::{ConversationId, VisitorId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::events::NewEvent;
use super::models::{AttachmentRow, ConversationRow, MessageRow, PageViewRow, VisitorRow};
use super::queries::Writes as _;
use super::schema::{attachments, conversations, events, messages, page_views, visitors};
use super::{Store, StoreError, read, write};
use crate::realtime::event::{Event, EventBody};

/// Everything stored about one visitor.
#[derive(Debug)]
pub struct VisitorData {
    pub visitor: VisitorRow,
    pub page_views: Vec<PageViewRow>,
    /// Their conversations, oldest first, each with its messages (in order) and files.
    pub conversations: Vec<(ConversationRow, Vec<MessageRow>, Vec<AttachmentRow>)>,
}

/// What erasing a visitor removed.
#[derive(Debug)]
pub struct Erased {
    pub conversation_ids: Vec<ConversationId>,
    /// The files' records; the caller deletes the files.
    pub attachments: Vec<AttachmentRow>,
    /// The `visitor_erased` event, to publish.
    pub events: Vec<Event>,
}

impl Store {
    /// Everything stored about the visitor, if they are of this workspace.
    pub async fn visitor_data(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: &VisitorId,
    ) -> Result<Option<VisitorData>, StoreError> {
        read!(self, |conn| {
            let visitor: Option<VisitorRow> = visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::id.eq(visitor_id))
                .select(VisitorRow::as_select())
                .first(conn)
                .await
                .optional()?;
            let Some(visitor) = visitor else { return Ok(None) };
            let page_views = page_views::table
                .filter(page_views::visitor_id.eq(visitor_id))
                .order((page_views::viewed_at.asc(), page_views::id.asc()))
                .select(PageViewRow::as_select())
                .load(conn)
                .await?;
            let rows: Vec<ConversationRow> = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::visitor_id.eq(visitor_id))
                .order((conversations::created_at.asc(), conversations::id.asc()))
                .select(ConversationRow::as_select())
                .load(conn)
                .await?;
            let mut conversations = Vec::with_capacity(rows.len());
            for row in rows {
                let messages = messages::table
                    .filter(messages::conversation_id.eq(&row.id))
                    .order(messages::seq.asc())
                    .select(MessageRow::as_select())
                    .load(conn)
                    .await?;
                let files = attachments::table
                    .filter(attachments::conversation_id.eq(&row.id))
                    .order(attachments::created_at.asc())
                    .select(AttachmentRow::as_select())
                    .load(conn)
                    .await?;
                conversations.push((row, messages, files));
            }
            Ok(Some(VisitorData { visitor, page_views, conversations }))
        })
    }

    /// Erases the visitor: their row, page views, conversations, messages and attachment
    /// records (by cascade), and the bodies of every logged event about them or their
    /// conversations (each becomes [`EventBody::Erased`], so the log keeps its sequence);
    /// then logs `visitor_erased`. `None` if no such visitor is in this workspace.
    pub async fn erase_visitor(
        &self,
        workspace_id: &WorkspaceId,
        visitor_id: &VisitorId,
        now: i64,
    ) -> Result<Option<Erased>, StoreError> {
        let erased_body = serde_json::to_string(&EventBody::Erased)?;
        write!(self, workspace = workspace_id, |conn| {
            let found: Option<VisitorId> = visitors::table
                .filter(visitors::workspace_id.eq(workspace_id))
                .filter(visitors::id.eq(visitor_id))
                .select(visitors::id)
                .first(conn)
                .await
                .optional()?;
            if found.is_none() {
                return Ok(None);
            }
            let conversation_ids: Vec<ConversationId> = conversations::table
                .filter(conversations::visitor_id.eq(visitor_id))
                .select(conversations::id)
                .load(conn)
                .await?;
            let files: Vec<AttachmentRow> = attachments::table
                .filter(attachments::conversation_id.eq_any(&conversation_ids))
                .select(AttachmentRow::as_select())
                .load(conn)
                .await?;
            diesel::update(events::table)
                .filter(events::workspace_id.eq(workspace_id))
                .filter(events::visitor_id.eq(visitor_id).or(events::conversation_id.eq_any(&conversation_ids)))
                .set((
                    events::body.eq(&erased_body),
                    events::visitor_visible.eq(false),
                    events::visitor_id.eq(None::<String>),
                    events::conversation_id.eq(None::<String>),
                ))
                .execute(conn)
                .await?;
            diesel::delete(visitors::table.filter(visitors::id.eq(visitor_id))).execute(conn).await?;
            let event = NewEvent {
                conversation_id: None,
                visitor_id: None,
                visitor_visible: false,
                body: EventBody::VisitorErased {
                    visitor_id: visitor_id.clone(),
                    conversation_ids: conversation_ids.clone(),
                },
            };
            let events = conn.append_events(workspace_id, now, vec![event]).await?;
            Ok(Some(Erased { conversation_ids, attachments: files, events }))
        })
    }
}
