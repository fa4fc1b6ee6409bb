//! The audit log's words, without React: what each recorded action reads as ("changed a
//! role"), and who did it.

import type { AuditEntry } from "@porthole/client";

/**
 * Every action the server records (`AuditEntry.action` in workspace.proto), as the end of
 * a sentence whose subject is the actor.
 */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  "member.role_changed": "changed a role",
  "member.removed": "removed a member",
  "invite.created": "invited someone",
  "invite.revoked": "revoked an invitation",
  "workspace.updated": "changed workspace settings",
  "widget.created": "created a widget",
  "widget.updated": "changed a widget",
  "widget.deleted": "deleted a widget",
  "widget.activated": "turned a widget on",
  "widget.deactivated": "turned a widget off",
  "widget.token_regenerated": "replaced a widget's token",
  "widget.identity_secret_viewed": "viewed a widget's identity secret",
  "widget.identity_secret_rotated": "rotated a widget's identity secret",
  "visitor.exported": "exported a visitor's data",
  "visitor.erased": "erased a visitor",
  "job.retried": "retried a failed e-mail",
  "webhook.created": "added a webhook",
  "webhook.updated": "changed a webhook",
  "webhook.deleted": "deleted a webhook",
  "webhook.secret_rotated": "rotated a webhook's signing secret",
};

/** The readable label of an action; one this dashboard does not know yet shows as sent. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

/** Who did it: their name then, else their account id; nobody means the server itself. */
export function auditActorLabel(entry: Pick<AuditEntry, "actorName" | "actorUserId">): string {
  return entry.actorName || entry.actorUserId || "Porthole";
}
