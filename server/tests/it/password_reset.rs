//! Password reset through the e-mailed link: the whole way on both databases, and what
//! must not happen (telling who has an account, flooding an inbox, reusing a link).

use std::time::Duration;

use porthole_client::{Porthole, pb};
use porthole_server::jobs::mail::MailSettings;
use porthole_server::limits::Rates;
use tonic::Code;

use crate::common::{Backend, TestServer, sign_up};
use crate::mailbox::{Mailbox, Received};

async fn server_with_mail(backend: Backend, mailbox: &Mailbox) -> TestServer {
    let url = mailbox.url();
    TestServer::start_with(backend, move |config| {
        config.mail = Some(MailSettings::new(&url, "Porthole <chat@porthole.test>").unwrap());
        // The default limits, but for the per-address one: every test call comes from one.
        config.rate_limits = Rates::parse("password_reset_per_ip=1000/1h,login_per_ip=1000/1m").unwrap();
    })
    .await
}

async fn ask(client: &Porthole, email: &str) -> Result<(), tonic::Status> {
    client.auth().request_password_reset(pb::RequestPasswordResetRequest { email: email.into() }).await.map(|_| ())
}

async fn reset(client: &Porthole, token: &str, password: &str) -> Result<(), tonic::Status> {
    client
        .auth()
        .reset_password(pb::ResetPasswordRequest { reset_token: token.into(), new_password: password.into() })
        .await
        .map(|_| ())
}

/// The token in a reset e-mail's link.
fn token_in(mail: &Received) -> String {
    let text = mail.text();
    let at = text.find("/app/reset-password/").expect("a reset link") + "/app/reset-password/".len();
    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect()
}

async fn log_in(server: &TestServer, email: &str, password: &str) -> Result<pb::Session, tonic::Status> {
    let response = server
        .new_client()
        .auth()
        .log_in(pb::LogInRequest { email: email.into(), password: password.into(), ..Default::default() })
        .await?;
    Ok(response.into_inner().session.unwrap())
}

/// A forgotten password is replaced through the e-mailed link; every session of the account
/// ends; the old password stops working; the link works once.
async fn a_forgotten_password_is_reset_by_email(backend: Backend) {
    let mailbox = Mailbox::start().await;
    let server = server_with_mail(backend, &mailbox).await;
    let (owner, session) = sign_up(&server, "forgetful@reset.test", "Reset Co").await;
    owner.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap();

    let anonymous = server.new_client();
    ask(&anonymous, "  Forgetful@Reset.test ").await.unwrap();
    let mail = &mailbox.wait_for(1).await[0];
    assert_eq!(mail.to, ["forgetful@reset.test"]);
    assert!(mail.text().contains("Set a new Porthole password"), "{}", mail.text());
    let token = token_in(mail);
    assert!(token.starts_with("prs_") && token.len() > 40, "{token}");
    assert!(mail.text().contains(&format!("{}/app/reset-password/{token}", server.url)));

    reset(&anonymous, &token, "a brand new password").await.unwrap();
    let ended = owner.workspace().get_workspace(pb::GetWorkspaceRequest {}).await.unwrap_err();
    assert_eq!(ended.code(), Code::Unauthenticated, "the access token ended: {ended:?}");
    let refreshed = anonymous
        .auth()
        .refresh_session(pb::RefreshSessionRequest { refresh_token: session.refresh_token.clone() })
        .await
        .unwrap_err();
    assert_eq!(refreshed.code(), Code::Unauthenticated, "the refresh token ended");
    assert_eq!(
        log_in(&server, "forgetful@reset.test", "correct horse battery").await.unwrap_err().code(),
        Code::Unauthenticated
    );
    log_in(&server, "forgetful@reset.test", "a brand new password").await.unwrap();

    let again = reset(&anonymous, &token, "yet another password").await.unwrap_err();
    assert_eq!(again.code(), Code::NotFound, "the link works once: {again:?}");
    server.stop().await;
}
on_both_backends!(a_forgotten_password_is_reset_by_email);

/// Unknown addresses answer like known ones and get nothing; an account gets at most 3
/// links an hour; a new link ends the older one; bad input and a server without e-mail
/// say what is wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_requests_tell_nothing_and_flood_nobody() {
    let mailbox = Mailbox::start().await;
    let server = server_with_mail(Backend::Sqlite, &mailbox).await;
    sign_up(&server, "known@reset.test", "Known Co").await;
    let anonymous = server.new_client();

    ask(&anonymous, "nobody@reset.test").await.unwrap();
    for _ in 0..4 {
        ask(&anonymous, "known@reset.test").await.unwrap();
    }
    let mails = mailbox.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mailbox.received().len(), 3, "the unknown address got nothing, the fourth ask sent nothing");
    assert!(mails.iter().all(|m| m.to == ["known@reset.test"]));
    // Jobs run side by side, so the e-mails may arrive in any order: of the three links
    // only the newest works.
    let mut worked = 0;
    for mail in &mails {
        match reset(&anonymous, &token_in(mail), "a brand new password").await {
            Ok(()) => worked += 1,
            Err(status) => assert_eq!(status.code(), Code::NotFound, "{status:?}"),
        }
    }
    assert_eq!(worked, 1, "a newer link ends the older ones");

    let bad = ask(&anonymous, "not an address").await.unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    let weak = reset(&anonymous, "prs_whatever", "short").await.unwrap_err();
    assert_eq!(weak.code(), Code::InvalidArgument);
    let unknown = reset(&anonymous, "prs_unknown", "long enough password").await.unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    server.stop().await;

    let no_mail = TestServer::start(Backend::Sqlite).await;
    let refused = ask(&no_mail.new_client(), "known@reset.test").await.unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert!(refused.message().contains("cannot send e-mail"), "{}", refused.message());
    no_mail.stop().await;
}
