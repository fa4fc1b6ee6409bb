//! Entry point `@porthole/client`: every generated message and service plus the helpers.
//! The widget imports `@porthole/client/visitor` instead to stay small.

export * from "./gen/porthole/v1/auth_pb.js";
export * from "./gen/porthole/v1/bot_pb.js";
export * from "./gen/porthole/v1/canned_pb.js";
export * from "./gen/porthole/v1/conversation_pb.js";
export * from "./gen/porthole/v1/flow_pb.js";
export * from "./gen/porthole/v1/knowledge_pb.js";
export * from "./gen/porthole/v1/notification_pb.js";
export * from "./gen/porthole/v1/report_pb.js";
export * from "./gen/porthole/v1/rule_pb.js";
export * from "./gen/porthole/v1/team_pb.js";
export * from "./gen/porthole/v1/webhook_pb.js";
export * from "./gen/porthole/v1/widget_pb.js";
export * from "./gen/porthole/v1/workspace_pb.js";
export * from "./visitor.js";
export * from "./workspace-feed.js";
