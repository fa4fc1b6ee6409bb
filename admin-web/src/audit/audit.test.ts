//! The audit log's words: every action the proto documents has a readable label.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { AUDIT_ACTION_LABELS, auditActionLabel, auditActorLabel } from "./audit";

/** The actions listed in `AuditEntry.action`'s comment in workspace.proto. */
function documentedActions(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const proto = readFileSync(resolve(here, "../../../proto/porthole/v1/workspace.proto"), "utf8");
  const entry = proto.slice(proto.indexOf("message AuditEntry"));
  const comment = entry.slice(0, entry.indexOf("string action ="));
  // "What was done, as `noun.verb`: `member.role_changed`, …": the pattern, then the list.
  return [...comment.matchAll(/`([a-z_]+\.[a-z_]+)`/g)]
    .map((m) => m[1] ?? "")
    .filter((action) => action !== "noun.verb");
}

test("every action the server documents has a label, and no label is for nothing", () => {
  const documented = documentedActions();
  expect(documented).toContain("visitor.erased");
  expect(Object.keys(AUDIT_ACTION_LABELS).sort()).toEqual([...documented].sort());
});

test("labels read as what the actor did; unknown actions show as sent", () => {
  expect(auditActionLabel("member.role_changed")).toBe("changed a role");
  expect(auditActionLabel("visitor.exported")).toBe("exported a visitor's data");
  expect(auditActionLabel("widget.renamed")).toBe("widget.renamed");
});

test("the actor is their name then, else their id, else the server", () => {
  expect(auditActorLabel({ actorName: "Olive", actorUserId: "usr_1" })).toBe("Olive");
  expect(auditActorLabel({ actorName: "", actorUserId: "usr_1" })).toBe("usr_1");
  expect(auditActorLabel({ actorName: "", actorUserId: "" })).toBe("Porthole");
});
