//! Sanity checks on the generated code: the expected services exist, and the widget entry
//! stays free of the agent-side services.

import type { DescService } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import * as client from "./index.js";
import * as visitor from "./visitor.js";

function serviceNames(module: Record<string, unknown>): string[] {
  return Object.values(module)
    .filter((value): value is DescService => {
      return (
        typeof value === "object" && value !== null && "kind" in value && value.kind === "service"
      );
    })
    .map((service) => service.typeName)
    .sort();
}

describe("generated services", () => {
  it("exports every Porthole service from the main entry", () => {
    expect(serviceNames(client)).toEqual([
      "porthole.v1.AuthService",
      "porthole.v1.BotService",
      "porthole.v1.CannedResponseService",
      "porthole.v1.ConversationService",
      "porthole.v1.KnowledgeService",
      "porthole.v1.NotificationService",
      "porthole.v1.ReportService",
      "porthole.v1.RuleService",
      "porthole.v1.TeamService",
      "porthole.v1.VisitorService",
      "porthole.v1.WebhookService",
      "porthole.v1.WidgetService",
      "porthole.v1.WorkspaceService",
    ]);
  });

  it("exports only VisitorService from the visitor entry", () => {
    expect(serviceNames(visitor)).toEqual(["porthole.v1.VisitorService"]);
  });

  it("describes the methods the clients call", () => {
    expect(client.AuthService.method.logIn.name).toBe("LogIn");
    expect(client.AuthService.method.logIn.input.typeName).toBe("porthole.v1.LogInRequest");
    expect(client.VisitorService.method.watchVisitorFeed.methodKind).toBe("server_streaming");
    expect(client.ConversationService.method.watchWorkspace.methodKind).toBe("server_streaming");
  });
});
