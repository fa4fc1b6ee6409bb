//! KnowledgeService: a workspace's knowledge-base articles. Any member lists, reads and
//! searches them; admins and owners manage them (the access table in `auth::policy`
//! enforces the roles).

use std::sync::Arc;

use porthole_proto::v1 as pb;
use porthole_proto::v1::knowledge_service_server::KnowledgeService;
use tonic::{Request, Response, Status};

use super::convert::timestamp;
use crate::AppState;
use crate::auth;
use crate::domain::id::ArticleId;
use crate::domain::knowledge as rules;
use crate::domain::{Violations, page};
use crate::error::Error;
use crate::store::knowledge::ArticleChange;
use crate::store::models::ArticleRow;
use crate::store::now_ms;

/// The KnowledgeService implementation.
pub struct KnowledgeApi {
    state: Arc<AppState>,
}

impl KnowledgeApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }
}

/// An article as the API shows it; without its body for lists and search results.
fn article(row: &ArticleRow, with_body: bool) -> pb::Article {
    pb::Article {
        id: row.id.to_string(),
        title: row.title.clone(),
        body: if with_body { row.body.clone() } else { String::new() },
        tags: row.tag_list(),
        published: row.published,
        url: row.url.clone(),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
        created_by_user_id: row.created_by.to_string(),
    }
}

fn tags_json(tags: &[String]) -> Result<String, Error> {
    serde_json::to_string(tags).map_err(Error::internal)
}

#[tonic::async_trait]
impl KnowledgeService for KnowledgeApi {
    async fn list_articles(
        &self,
        request: Request<pb::ListArticlesRequest>,
    ) -> Result<Response<pb::ListArticlesResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let limit = page::ARTICLES.parse("page_size", req.page_size, &mut v);
        let before = page::after("page_token", &req.page_token, &mut v);
        v.into_result(())?;
        let mut rows = self.state.store.articles(&agent.workspace_id, before, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_page_token = match rows.last() {
            Some(last) if more => page::token(last.updated_at, &last.id),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListArticlesResponse {
            articles: rows.iter().map(|row| article(row, false)).collect(),
            next_page_token,
        }))
    }

    async fn get_article(
        &self,
        request: Request<pb::GetArticleRequest>,
    ) -> Result<Response<pb::GetArticleResponse>, Status> {
        let agent = auth::agent(&request)?;
        let id = ArticleId::parse(&request.get_ref().article_id)?;
        let row = self.state.store.article(&agent.workspace_id, &id).await?.ok_or(Error::NotFound("article"))?;
        Ok(Response::new(pb::GetArticleResponse { article: Some(article(&row, true)) }))
    }

    async fn create_article(
        &self,
        request: Request<pb::CreateArticleRequest>,
    ) -> Result<Response<pb::CreateArticleResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let title = rules::check_title("title", &req.title, &mut v);
        let body = rules::check_body("body", &req.body, &mut v);
        let tags = rules::check_tags("tags", &req.tags, &mut v);
        let url = rules::check_url("url", &req.url, &mut v);
        v.into_result(())?;
        let now = now_ms();
        let row = ArticleRow {
            id: ArticleId::new(),
            workspace_id: agent.workspace_id,
            title,
            body,
            tags: tags_json(&tags)?,
            published: req.published,
            url,
            created_by: agent.user_id,
            created_at: now,
            updated_at: now,
        };
        let row = self.state.store.insert_article(row).await?.ok_or_else(|| {
            Error::failed_precondition(format!(
                "this workspace has {} articles, the most it can hold; delete some first",
                rules::MAX_ARTICLES
            ))
        })?;
        Ok(Response::new(pb::CreateArticleResponse { article: Some(article(&row, true)) }))
    }

    async fn update_article(
        &self,
        request: Request<pb::UpdateArticleRequest>,
    ) -> Result<Response<pb::UpdateArticleResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let id = ArticleId::parse(&req.article_id)?;
        let mut v = Violations::default();
        let title = req.title.map(|t| rules::check_title("title", &t, &mut v));
        let body = req.body.map(|b| rules::check_body("body", &b, &mut v));
        let tags = req.tags.map(|t| rules::check_tags("tags.tags", &t.tags, &mut v));
        let url = req.url.map(|u| rules::check_url("url", &u, &mut v));
        v.into_result(())?;
        let change = ArticleChange {
            title,
            body,
            tags: tags.as_deref().map(tags_json).transpose()?,
            published: req.published,
            url,
            updated_at: now_ms(),
        };
        let row = self
            .state
            .store
            .update_article(&agent.workspace_id, &id, change)
            .await?
            .ok_or(Error::NotFound("article"))?;
        Ok(Response::new(pb::UpdateArticleResponse { article: Some(article(&row, true)) }))
    }

    async fn delete_article(
        &self,
        request: Request<pb::DeleteArticleRequest>,
    ) -> Result<Response<pb::DeleteArticleResponse>, Status> {
        let agent = auth::agent(&request)?;
        let id = ArticleId::parse(&request.get_ref().article_id)?;
        if !self.state.store.delete_article(&agent.workspace_id, &id).await? {
            return Err(Error::NotFound("article").into());
        }
        Ok(Response::new(pb::DeleteArticleResponse {}))
    }

    async fn search_articles(
        &self,
        request: Request<pb::SearchArticlesRequest>,
    ) -> Result<Response<pb::SearchArticlesResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let mut v = Violations::default();
        let chars = req.query.chars().count();
        let words = rules::query_words(&req.query);
        if chars > rules::MAX_QUERY_CHARS {
            v.add("query", format!("must be at most {} characters (it has {chars})", rules::MAX_QUERY_CHARS));
        } else if words.is_empty() {
            v.add("query", "must contain a word (letters or digits)");
        }
        let limit = match i64::from(req.limit) {
            0 => rules::DEFAULT_RESULTS,
            n if (1..=rules::MAX_RESULTS).contains(&n) => n,
            _ => {
                v.add("limit", format!("must be from 1 to {} (0 for {})", rules::MAX_RESULTS, rules::DEFAULT_RESULTS));
                rules::DEFAULT_RESULTS
            }
        };
        v.into_result(())?;
        let rows = self.state.store.search_articles(&agent.workspace_id, &words, req.published_only, limit).await?;
        Ok(Response::new(pb::SearchArticlesResponse {
            matches: rows
                .iter()
                .map(|row| pb::ArticleMatch {
                    article: Some(article(row, false)),
                    excerpt: rules::excerpt(&row.body, &words),
                })
                .collect(),
        }))
    }
}
