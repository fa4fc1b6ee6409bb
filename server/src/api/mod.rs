//! One module per proto service: decode the request, call the store and domain rules,
//! encode the response. Proto types stop here.

pub mod audit;
pub mod auth;
pub mod bot;
pub mod canned;
pub mod chat;
pub mod connect;
pub mod conversation;
pub mod convert;
pub mod detached;
pub mod intake;
pub mod knowledge;
pub mod notification;
pub mod notify;
pub mod password_reset;
pub mod privacy;
pub mod report;
pub mod rule;
pub mod team;
pub mod visitor;
pub mod webhook;
pub mod widget;
pub mod workspace;

use std::sync::Arc;

use porthole_proto::v1::auth_service_server::AuthServiceServer;
use porthole_proto::v1::bot_service_server::BotServiceServer;
use porthole_proto::v1::canned_response_service_server::CannedResponseServiceServer;
use porthole_proto::v1::conversation_service_server::ConversationServiceServer;
use porthole_proto::v1::knowledge_service_server::KnowledgeServiceServer;
use porthole_proto::v1::notification_service_server::NotificationServiceServer;
use porthole_proto::v1::report_service_server::ReportServiceServer;
use porthole_proto::v1::rule_service_server::RuleServiceServer;
use porthole_proto::v1::team_service_server::TeamServiceServer;
use porthole_proto::v1::visitor_service_server::VisitorServiceServer;
use porthole_proto::v1::webhook_service_server::WebhookServiceServer;
use porthole_proto::v1::widget_service_server::WidgetServiceServer;
use porthole_proto::v1::workspace_service_server::WorkspaceServiceServer;

use crate::AppState;

/// The gRPC services this server answers, as reflection advertises them.
const SERVED_SERVICES: &[&str] = &[
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "porthole.v1.AuthService",
    "porthole.v1.WorkspaceService",
    "porthole.v1.WidgetService",
    "porthole.v1.ConversationService",
    "porthole.v1.VisitorService",
    "porthole.v1.CannedResponseService",
    "porthole.v1.BotService",
    "porthole.v1.TeamService",
    "porthole.v1.RuleService",
    "porthole.v1.KnowledgeService",
    "porthole.v1.WebhookService",
    "porthole.v1.NotificationService",
    "porthole.v1.ReportService",
];

/// The caller's IP address (see [`crate::client_ip`]), empty when unknown.
pub(crate) fn peer_ip<T>(request: &tonic::Request<T>) -> String {
    request.extensions().get::<crate::client_ip::ClientIp>().map(|ip| ip.0.to_string()).unwrap_or_default()
}

/// Every gRPC method this server answers, from the descriptor sets it serves: the method
/// table of `/metrics` (labels come from here, never from a request's path).
pub fn methods() -> Vec<crate::metrics::MethodInfo> {
    use prost::Message as _;
    let mut methods = Vec::new();
    for encoded in [porthole_proto::FILE_DESCRIPTOR_SET, tonic_health::pb::FILE_DESCRIPTOR_SET] {
        // Both sets are compiled into the binary; a test decodes them.
        let Ok(set) = prost_types::FileDescriptorSet::decode(encoded) else { continue };
        for file in &set.file {
            for service in &file.service {
                let prefix = if file.package().is_empty() { String::new() } else { format!("{}.", file.package()) };
                for method in &service.method {
                    methods.push(crate::metrics::MethodInfo {
                        path: format!("/{prefix}{}/{}", service.name(), method.name()),
                        server_streaming: method.server_streaming(),
                    });
                }
            }
        }
    }
    for service in ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"] {
        let path = format!("/{service}/ServerReflectionInfo");
        methods.push(crate::metrics::MethodInfo { path, server_streaming: true });
    }
    methods
}

fn reflection() -> tonic_reflection::server::Builder<'static> {
    SERVED_SERVICES.iter().fold(
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(porthole_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET),
        |builder, name| builder.with_service_name(*name),
    )
}

/// Every gRPC service with health and reflection, as one router (the auth and grpc-web
/// layers go around it in `lib.rs`). Fails only if reflection cannot be set up.
pub async fn routes(state: Arc<AppState>) -> Result<axum::Router, String> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    // Every service is ready once the store is open; `/healthz` checks the database live.
    health_reporter.set_serving::<AuthServiceServer<auth::AuthApi>>().await;
    health_reporter.set_serving::<WorkspaceServiceServer<workspace::WorkspaceApi>>().await;
    health_reporter.set_serving::<WidgetServiceServer<widget::WidgetApi>>().await;
    health_reporter.set_serving::<ConversationServiceServer<conversation::ConversationApi>>().await;
    health_reporter.set_serving::<VisitorServiceServer<visitor::VisitorApi>>().await;
    health_reporter.set_serving::<CannedResponseServiceServer<canned::CannedResponseApi>>().await;
    health_reporter.set_serving::<BotServiceServer<bot::BotApi>>().await;
    health_reporter.set_serving::<TeamServiceServer<team::TeamApi>>().await;
    health_reporter.set_serving::<RuleServiceServer<rule::RuleApi>>().await;
    health_reporter.set_serving::<ReportServiceServer<report::ReportApi>>().await;
    health_reporter.set_serving::<KnowledgeServiceServer<knowledge::KnowledgeApi>>().await;
    health_reporter.set_serving::<WebhookServiceServer<webhook::WebhookApi>>().await;
    health_reporter.set_serving::<NotificationServiceServer<notification::NotificationApi>>().await;

    // v1 for current tools (buf curl), v1alpha for older ones (grpcurl).
    let reflection_v1 = reflection().build_v1().map_err(|e| e.to_string())?;
    let reflection_v1alpha = reflection().build_v1alpha().map_err(|e| e.to_string())?;

    let grpc = tonic::service::Routes::new(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(AuthServiceServer::new(auth::AuthApi::new(state.clone())))
        .add_service(WorkspaceServiceServer::new(workspace::WorkspaceApi::new(state.clone())))
        .add_service(WidgetServiceServer::new(widget::WidgetApi::new(state.clone())))
        .add_service(
            ConversationServiceServer::new(conversation::ConversationApi::new(state.clone()))
                .max_decoding_message_size(intake::MAX_UPLOAD_REQUEST_BYTES),
        )
        .add_service(
            VisitorServiceServer::new(visitor::VisitorApi::new(state.clone()))
                .max_decoding_message_size(intake::MAX_UPLOAD_REQUEST_BYTES),
        )
        .add_service(CannedResponseServiceServer::new(canned::CannedResponseApi::new(state.clone())))
        .add_service(BotServiceServer::new(bot::BotApi::new(state.clone())))
        .add_service(TeamServiceServer::new(team::TeamApi::new(state.clone())))
        .add_service(RuleServiceServer::new(rule::RuleApi::new(state.clone())))
        .add_service(ReportServiceServer::new(report::ReportApi::new(state.clone())))
        .add_service(KnowledgeServiceServer::new(knowledge::KnowledgeApi::new(state.clone())))
        .add_service(WebhookServiceServer::new(webhook::WebhookApi::new(state.clone())))
        .add_service(NotificationServiceServer::new(notification::NotificationApi::new(state.clone())))
        .into_axum_router();
    Ok(grpc)
}
