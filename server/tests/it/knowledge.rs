//! The knowledge base through the real client, on both backends: the CRUD round trip,
//! full-text search (stemming, ranking, published only, re-indexing on change and delete,
//! search syntax taken as words), input rules, roles and tenant isolation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Backend, TestServer, sign_up, violated_fields};
use porthole_client::{Porthole, pb};
use tonic::Code;

fn article(title: &str, body: &str, tags: &[&str], published: bool) -> pb::CreateArticleRequest {
    pb::CreateArticleRequest {
        title: title.into(),
        body: body.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        published,
        url: String::new(),
    }
}

async fn create(client: &Porthole, request: pb::CreateArticleRequest) -> pb::Article {
    client.knowledge().create_article(request).await.unwrap().into_inner().article.unwrap()
}

async fn search(client: &Porthole, query: &str, published_only: bool) -> Vec<(String, String)> {
    client
        .knowledge()
        .search_articles(pb::SearchArticlesRequest { query: query.into(), limit: 0, published_only })
        .await
        .unwrap()
        .into_inner()
        .matches
        .into_iter()
        .map(|m| (m.article.unwrap().title, m.excerpt))
        .collect()
}

fn titles(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(title, _)| title.as_str()).collect()
}

async fn articles_are_stored_and_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, session) = sign_up(&server, "kb@example.com", "KB Co").await;
    let refunds = create(
        &owner,
        pb::CreateArticleRequest {
            url: "https://help.example/refunds".into(),
            ..article(
                "Refund policy",
                "# Refunds\n\nYou can get your money back within **30 days** of purchase.",
                &[" Billing ", "billing"],
                true,
            )
        },
    )
    .await;
    assert!(refunds.id.starts_with("art_"));
    assert_eq!(refunds.tags, ["billing"], "tags are lowercased and de-duplicated");
    assert_eq!(refunds.created_by_user_id, session.user.unwrap().id);
    create(
        &owner,
        article("Shipping times", "Parcels arrive in 3 to 5 working days. Refunds are handled by billing.", &[], true),
    )
    .await;
    create(
        &owner,
        article("Internal: refund fraud checks", "Check the order history before refunding.", &["internal"], false),
    )
    .await;
    create(&owner, article("Opening hours", "We answer chats from 9 to 5.", &[], true)).await;

    // Stemming: "refunded" finds "Refund", "Refunds" and "refunding".
    let mut found =
        titles(&search(&owner, "refunded?", false).await).into_iter().map(str::to_owned).collect::<Vec<_>>();
    found.sort();
    assert_eq!(found, ["Internal: refund fraud checks", "Refund policy", "Shipping times"]);
    // More of the query, and in the title, ranks first.
    let found = search(&owner, "what is your refund policy", false).await;
    assert_eq!(titles(&found)[0], "Refund policy", "{found:?}");
    let found = search(&owner, "refunds shipping", false).await;
    assert_eq!(titles(&found)[0], "Shipping times", "{found:?}");
    // Published only: the internal article is left out (what the bot may use).
    let public = search(&owner, "refund", true).await;
    assert_eq!(titles(&public), ["Refund policy", "Shipping times"], "{public:?}");
    // The excerpt is plain text around the first match.
    assert!(public[0].1.starts_with("Refunds You can get your money back within 30 days"), "{public:?}");
    // Any word may match; tags are searched too.
    assert_eq!(titles(&search(&owner, "hours xylophone", false).await), ["Opening hours"]);
    assert_eq!(titles(&search(&owner, "internal", false).await), ["Internal: refund fraud checks"]);
    // Search syntax is taken as words, never an error.
    for query in
        ["\"refund", "refund*", "title:refund", "NEAR(refund money)", "refund | money & !x", "refund' OR 1=1 --"]
    {
        let found = search(&owner, query, false).await;
        assert!(found.iter().any(|(t, _)| t == "Refund policy"), "{query}: {found:?}");
    }
    assert!(search(&owner, "xylophone", false).await.is_empty());

    // Changes are searched at once; deleted articles are gone.
    let updated = owner
        .knowledge()
        .update_article(pb::UpdateArticleRequest {
            article_id: refunds.id.clone(),
            title: Some("Money-back guarantee".into()),
            tags: Some(pb::ArticleTags { tags: vec![] }),
            published: Some(false),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .article
        .unwrap();
    assert_eq!((updated.title.as_str(), updated.published, updated.tags.len()), ("Money-back guarantee", false, 0));
    assert_eq!(updated.body, refunds.body, "unset fields stay");
    assert_eq!(updated.url, "https://help.example/refunds");
    assert_eq!(titles(&search(&owner, "guarantee", false).await), ["Money-back guarantee"]);
    assert!(search(&owner, "guarantee", true).await.is_empty(), "unpublished now");
    assert!(search(&owner, "billing", false).await.iter().all(|(t, _)| t != "Money-back guarantee"), "old tags gone");
    owner.knowledge().delete_article(pb::DeleteArticleRequest { article_id: refunds.id.clone() }).await.unwrap();
    assert!(search(&owner, "guarantee", false).await.is_empty());
    let gone =
        owner.knowledge().get_article(pb::GetArticleRequest { article_id: refunds.id.clone() }).await.unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);

    // The list: most recently changed first, without bodies, paged.
    let first = owner
        .knowledge()
        .list_articles(pb::ListArticlesRequest { page_size: 2, page_token: String::new() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        first.articles.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(),
        ["Opening hours", "Internal: refund fraud checks"]
    );
    assert!(first.articles.iter().all(|a| a.body.is_empty()));
    let rest = owner
        .knowledge()
        .list_articles(pb::ListArticlesRequest { page_size: 2, page_token: first.next_page_token })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.articles.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(), ["Shipping times"]);
    assert!(rest.next_page_token.is_empty());
    server.stop().await;
}
crate::on_both_backends!(articles_are_stored_and_found);

async fn bad_input_roles_and_workspaces(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = sign_up(&server, "kb2@example.com", "KB Two").await;
    let bad = owner
        .knowledge()
        .create_article(pb::CreateArticleRequest {
            title: " ".into(),
            body: "x".repeat(50_001),
            tags: vec!["ok".into(), "no,commas".into()],
            published: true,
            url: "javascript:alert(1)".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&bad), ["title", "body", "tags[1]", "url"]);
    for (query, limit, field) in
        [("", 0, "query"), ("?!", 0, "query"), (&*"w".repeat(501), 0, "query"), ("ok", 21, "limit")]
    {
        let refused = owner
            .knowledge()
            .search_articles(pb::SearchArticlesRequest { query: query.into(), limit, published_only: false })
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&refused), [field], "{query:?} {limit}");
    }
    let wrong_kind = owner
        .knowledge()
        .get_article(pb::GetArticleRequest { article_id: "cnv_notanarticle".into() })
        .await
        .unwrap_err();
    assert_eq!(wrong_kind.code(), Code::NotFound);

    // Agents read and search; only admins and owners write.
    let (agent, _) = common::join(&server, &owner, "agent@kb2.test", pb::Role::Agent).await;
    let mine = create(&owner, article("Returns", "Send it back within 30 days.", &[], true)).await;
    assert_eq!(titles(&search(&agent, "returns", false).await), ["Returns"]);
    let denied = agent.knowledge().create_article(article("X", "y", &[], false)).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let denied =
        agent.knowledge().delete_article(pb::DeleteArticleRequest { article_id: mine.id.clone() }).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);

    // Another workspace neither finds nor reaches it.
    let (stranger, _) = sign_up(&server, "other@kb2.test", "Other").await;
    assert!(search(&stranger, "returns", false).await.is_empty());
    for code in [
        stranger
            .knowledge()
            .get_article(pb::GetArticleRequest { article_id: mine.id.clone() })
            .await
            .unwrap_err()
            .code(),
        stranger
            .knowledge()
            .update_article(pb::UpdateArticleRequest {
                article_id: mine.id.clone(),
                title: Some("x".into()),
                ..Default::default()
            })
            .await
            .unwrap_err()
            .code(),
        stranger
            .knowledge()
            .delete_article(pb::DeleteArticleRequest { article_id: mine.id.clone() })
            .await
            .unwrap_err()
            .code(),
    ] {
        assert_eq!(code, Code::NotFound);
    }
    assert_eq!(titles(&search(&owner, "returns", false).await), ["Returns"], "untouched");
    server.stop().await;
}
crate::on_both_backends!(bad_input_roles_and_workspaces);
