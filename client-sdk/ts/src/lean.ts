//! Entry point `@porthole/client/lean`: the visitor API for the embedded widget, as plain
//! interfaces with generated binary codecs (protoc-gen-ts_proto) and a fetch-based
//! grpc-web client, without the protobuf-es runtime.
//!
//! Invariant: nothing here imports agent-side services, so the widget never carries them.

export * from "./lean/porthole/v1/chat.js";
export type { FieldViolation } from "./lean/porthole/v1/errors.js";
export * from "./lean/porthole/v1/visitor.js";
export * from "./lean/porthole/v1/widget_settings.js";
export * from "./lean-client.js";
