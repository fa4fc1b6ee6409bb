//! Visitors' locations (`geo`): looked up in the test database
//! (`tests/fixtures/geo/test-city.mmdb`, written by `make.py`) from the address a trusted
//! proxy names, shown to agents in live visitors, the conversation's profile, the feed and
//! the export; none for unknown or private addresses, and none when the feature is off.

use std::path::PathBuf;
use std::time::Duration;

use porthole_client::Porthole;
use porthole_client::pb;
use porthole_server::client_ip::TrustedProxies;
use tokio_stream::StreamExt as _;

use crate::common::{self, Backend, TestServer, sign_up};

fn test_db() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geo/test-city.mmdb")
}

/// `message` as sent through a proxy (the test server trusts loopback) for `client_ip`.
fn via_proxy<T>(message: T, client_ip: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert("x-forwarded-for", client_ip.parse().unwrap());
    request
}

/// A server trusting loopback as a proxy, with or without the location database.
async fn server(backend: Backend, located: bool) -> TestServer {
    TestServer::start_with(backend, |config| {
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        config.geoip_db = located.then(test_db);
    })
    .await
}

/// Starts a session from `client_ip` (resuming `token`'s visitor when given); returns the
/// visitor's client, id and token.
async fn session_from(server: &TestServer, widget: &str, token: &str, client_ip: &str) -> (Porthole, String, String) {
    let visitor = server.new_client();
    let request =
        pb::StartSessionRequest { widget_token: widget.into(), visitor_token: token.into(), ..Default::default() };
    let session = visitor.visitor().start_session(via_proxy(request, client_ip)).await.unwrap().into_inner();
    visitor.set_token(Some(session.visitor_token.clone()));
    (visitor, session.visitor.unwrap().id, session.visitor_token)
}

/// (country code, city) of each live visitor by id.
async fn live_places(agent: &Porthole) -> Vec<(String, String, String)> {
    let listed =
        agent.conversations().list_live_visitors(pb::ListLiveVisitorsRequest::default()).await.unwrap().into_inner();
    listed.visitors.into_iter().map(|v| (v.id, v.country_code, v.city)).collect()
}

fn place_of(places: &[(String, String, String)], id: &str) -> (String, String) {
    let (_, country, city) = places.iter().find(|(v, _, _)| v == id).unwrap_or_else(|| panic!("{id} not listed"));
    (country.clone(), city.clone())
}

fn at(country: &str, city: &str) -> (String, String) {
    (country.to_owned(), city.to_owned())
}

async fn visitors_are_located_by_the_address_a_trusted_proxy_names(backend: Backend) {
    let server = server(backend, true).await;
    let (owner, _) = sign_up(&server, "geo@example.com", "Geo Co").await;
    let widget = common::create_widget(&owner, "Site").await.public_token;

    let (berlin, berlin_id, berlin_token) = session_from(&server, &widget, "", "203.0.113.7").await;
    let (_, unknown_id, _) = session_from(&server, &widget, "", "8.8.8.8").await;
    // The test database maps 10.0.0.0/8 to Oslo; private addresses are never looked up.
    let (_, private_id, _) = session_from(&server, &widget, "", "10.1.2.3").await;
    let (_, japan_id, _) = session_from(&server, &widget, "", "192.0.2.50").await;
    let places = live_places(&owner).await;
    assert_eq!(place_of(&places, &berlin_id), at("DE", "Berlin"));
    assert_eq!(place_of(&places, &unknown_id), at("", ""));
    assert_eq!(place_of(&places, &private_id), at("", ""));
    assert_eq!(place_of(&places, &japan_id), at("JP", ""), "a country without a city");

    // The conversation's visitor panel shows it too.
    let conversation = common::open_conversation(&berlin).await;
    let shown = owner
        .conversations()
        .get_conversation(pb::GetConversationRequest { conversation_id: conversation.id.clone() })
        .await
        .unwrap()
        .into_inner()
        .visitor
        .unwrap();
    assert_eq!((shown.country_code.as_str(), shown.city.as_str()), ("DE", "Berlin"));

    // Coming back from elsewhere moves them, and agents' feeds hear of it.
    let mut feed =
        owner.conversations().watch_workspace(pb::WatchWorkspaceRequest::default()).await.unwrap().into_inner();
    let (berlin, again, _) = session_from(&server, &widget, &berlin_token, "198.51.100.9").await;
    assert_eq!(again, berlin_id, "the same visitor, resumed");
    let change = loop {
        let item = tokio::time::timeout(Duration::from_secs(10), feed.next()).await.unwrap().unwrap().unwrap();
        if let Some(pb::watch_workspace_response::Event::VisitorChanged(change)) = item.event
            && change.id == berlin_id
            && change.country_code.is_some()
        {
            break change;
        }
    };
    assert_eq!((change.country_code.as_deref(), change.city.as_deref()), (Some("FR"), Some("Paris")));
    assert_eq!(place_of(&live_places(&owner).await, &berlin_id), at("FR", "Paris"));

    // The export holds what is stored: the country and city, nothing finer.
    let export = owner
        .conversations()
        .export_visitor_data(pb::ExportVisitorDataRequest { visitor_id: berlin_id.clone() })
        .await
        .unwrap()
        .into_inner();
    let document: serde_json::Value = serde_json::from_str(&export.json).unwrap();
    assert_eq!(document["visitor"]["country_code"], "FR");
    assert_eq!(document["visitor"]["city"], "Paris");

    // A page view from an address the database does not know clears the place: the
    // location always belongs to the address shown.
    let view = pb::RecordPageViewRequest { url: "https://site.example/".into(), ..Default::default() };
    berlin.visitor().record_page_view(via_proxy(view, "2001:db9::1")).await.unwrap();
    let listed = owner
        .conversations()
        .list_live_visitors(pb::ListLiveVisitorsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .visitors;
    let profile = listed.iter().find(|v| v.id == berlin_id).unwrap();
    assert_eq!(
        (profile.ip_address.as_str(), profile.country_code.as_str(), profile.city.as_str()),
        ("2001:db9::1", "", "")
    );
    server.stop().await;
}
on_both_backends!(visitors_are_located_by_the_address_a_trusted_proxy_names);

/// Without `PORTHOLE_GEOIP_DB` nobody has a location, whatever their address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_database_nobody_is_located() {
    let server = server(Backend::Sqlite, false).await;
    let (owner, _) = sign_up(&server, "nogeo@example.com", "No Geo Co").await;
    let widget = common::create_widget(&owner, "Site").await.public_token;
    let (_, id, _) = session_from(&server, &widget, "", "203.0.113.7").await;
    assert_eq!(place_of(&live_places(&owner).await, &id), at("", ""));
    server.stop().await;
}

/// A location database that cannot be read stops the start, naming the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_database_stops_the_start_naming_it() {
    let dir = common::TempDir::new();
    let corrupt = dir.0.join("GeoLite2-City.mmdb");
    std::fs::write(&corrupt, b"this is not a MaxMind database").unwrap();
    for path in [corrupt, dir.0.join("missing.mmdb")] {
        let mut config = porthole_server::Config::for_tests(dir.0.clone());
        config.geoip_db = Some(path.clone());
        let Err(error) = porthole_server::start(config, std::future::pending()).await else {
            panic!("started with {}", path.display());
        };
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()) && message.contains("PORTHOLE_GEOIP_DB"), "{message}");
    }
}
