//! The knowledge base's articles. Every query is scoped by workspace id, so a foreign
//! article id simply is not found. Search is the one hand-written SQL here: full-text
//! search has no diesel DSL, and each database has its own (see the migrations).

use crate::domain::id::{ArticleId, WorkspaceId};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::RunQueryDsl;

use super::models::ArticleRow;
use super::schema::articles;
use super::{Backend, Store, StoreError, read, write};
use crate::domain::knowledge::MAX_ARTICLES;

/// A change to an article's stored fields; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = articles)]
pub struct ArticleChange {
    pub title: Option<String>,
    pub body: Option<String>,
    /// JSON array.
    pub tags: Option<String>,
    pub published: Option<bool>,
    pub url: Option<String>,
    pub updated_at: i64,
}

/// SQLite: FTS5 over title, tags and body (weights 10, 5, 1), best first (bm25 is lower
/// for better matches). `?1` is an FTS5 expression made by [`fts5_expression`] only.
const SEARCH_SQLITE: &str = "SELECT a.id, a.workspace_id, a.title, a.body, a.tags, a.published, a.url, \
     a.created_by, a.created_at, a.updated_at \
     FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid \
     WHERE articles_fts MATCH ? AND a.workspace_id = ? AND (a.published OR NOT ?) \
     ORDER BY bm25(articles_fts, 10.0, 5.0, 1.0), a.id LIMIT ?";

/// PostgreSQL: the generated `search` column (title A, tags B, body C), best first. `$1`
/// is a tsquery made by [`tsquery_expression`] only.
const SEARCH_POSTGRES: &str = "SELECT a.id, a.workspace_id, a.title, a.body, a.tags, a.published, a.url, \
     a.created_by, a.created_at, a.updated_at \
     FROM articles a, to_tsquery('english', $1) q \
     WHERE a.search @@ q AND a.workspace_id = $2 AND (a.published OR NOT $3) \
     ORDER BY ts_rank(a.search, q) DESC, a.id LIMIT $4";

/// Any of the words, each quoted (so FTS5 reads it as a string, stemmed by the index's
/// tokenizer). Words are letters and digits only (`domain::knowledge::query_words`).
fn fts5_expression(words: &[String]) -> String {
    words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" OR ")
}

/// Any of the words as a tsquery; letters and digits only, so nothing in them is syntax.
fn tsquery_expression(words: &[String]) -> String {
    words.join(" | ")
}

impl Store {
    /// Stores a new article unless the workspace has [`MAX_ARTICLES`] (then `None`). The
    /// workspace's row lock makes count and insert one step, so concurrent creates on
    /// PostgreSQL cannot pass the cap together.
    pub async fn insert_article(&self, row: ArticleRow) -> Result<Option<ArticleRow>, StoreError> {
        write!(self, workspace = &row.workspace_id, |conn| {
            let count: i64 =
                articles::table.filter(articles::workspace_id.eq(&row.workspace_id)).count().get_result(conn).await?;
            if count >= MAX_ARTICLES {
                return Ok(None);
            }
            diesel::insert_into(articles::table).values(&row).execute(conn).await?;
            Ok(Some(row))
        })
    }

    /// The workspace's articles, most recently changed first, after `before` (the last
    /// one of the previous page).
    pub async fn articles(
        &self,
        workspace_id: &WorkspaceId,
        before: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        read!(self, |conn| {
            let mut query = articles::table
                .filter(articles::workspace_id.eq(workspace_id))
                .order((articles::updated_at.desc(), articles::id.desc()))
                .limit(limit)
                .select(ArticleRow::as_select())
                .into_boxed();
            if let Some((at, id)) = before.clone() {
                query =
                    query.filter(articles::updated_at.lt(at).or(articles::updated_at.eq(at).and(articles::id.lt(id))));
            }
            Ok(query.load(conn).await?)
        })
    }

    /// One article of the workspace.
    pub async fn article(
        &self,
        workspace_id: &WorkspaceId,
        article_id: &ArticleId,
    ) -> Result<Option<ArticleRow>, StoreError> {
        read!(self, |conn| {
            Ok(articles::table
                .filter(articles::workspace_id.eq(workspace_id))
                .filter(articles::id.eq(article_id))
                .select(ArticleRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Applies `change` to an article of the workspace; `None` when there is none.
    pub async fn update_article(
        &self,
        workspace_id: &WorkspaceId,
        article_id: &ArticleId,
        change: ArticleChange,
    ) -> Result<Option<ArticleRow>, StoreError> {
        write!(self, |conn| {
            Ok(diesel::update(articles::table)
                .filter(articles::workspace_id.eq(workspace_id))
                .filter(articles::id.eq(article_id))
                .set(&change)
                .returning(ArticleRow::as_returning())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Deletes an article of the workspace; false when there is none.
    pub async fn delete_article(&self, workspace_id: &WorkspaceId, article_id: &ArticleId) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let deleted = diesel::delete(
                articles::table.filter(articles::workspace_id.eq(workspace_id)).filter(articles::id.eq(article_id)),
            )
            .execute(conn)
            .await?;
            Ok(deleted > 0)
        })
    }

    /// The workspace's articles matching any of `words` (from `query_words`), best first;
    /// only published ones when `published_only`.
    pub async fn search_articles(
        &self,
        workspace_id: &WorkspaceId,
        words: &[String],
        published_only: bool,
        limit: i64,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, expression) = match self.backend() {
            Backend::Sqlite { .. } => (SEARCH_SQLITE, fts5_expression(words)),
            Backend::Postgres { .. } => (SEARCH_POSTGRES, tsquery_expression(words)),
        };
        read!(self, |conn| {
            Ok(diesel::sql_query(sql)
                .bind::<Text, _>(&expression)
                .bind::<Text, _>(workspace_id.as_str())
                .bind::<Bool, _>(published_only)
                .bind::<BigInt, _>(limit)
                .load::<ArticleRow>(conn)
                .await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_quote_every_word() {
        let words = vec!["refund".to_owned(), "30".to_owned()];
        assert_eq!(fts5_expression(&words), "\"refund\" OR \"30\"");
        assert_eq!(tsquery_expression(&words), "refund | 30");
    }
}
