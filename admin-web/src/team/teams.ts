//! Teams without React: the names of a team's members, the inbox's and widget editor's
//! words for a team id ("Everyone", "(deleted team)"), the limits `team.proto` documents,
//! and the server's refusals laid onto the team form (`name`, `member_user_ids[i]` named by
//! the member it points at; FAILED_PRECONDITION, the 50-team limit, as a sentence).

import { Code, ConnectError, type Member, type Team } from "@porthole/client";
import { formErrors } from "../lib/errors";

/** `team.proto`: a name's length, members per team, teams per workspace. */
export const TEAM_NAME_MAX = 60;
export const TEAM_MEMBERS_MAX = 200;
export const TEAMS_MAX = 50;

/** What a conversation or widget without a team is routed to. */
export const EVERYONE = "Everyone";
/** A team id that names no team any more (a widget keeps it; routing ignores it). */
export const DELETED_TEAM = "(deleted team)";

/** A member's name as lists show it. */
export function memberName(m: Pick<Member, "displayName" | "email">): string {
  return m.displayName || m.email;
}

/** The names of a team's members, in the team's order; ids no member has are skipped. */
export function teamMemberNames(team: Pick<Team, "memberUserIds">, members: Member[]): string[] {
  const byId = new Map(members.map((m) => [m.userId, m]));
  return team.memberUserIds.flatMap((id) => {
    const m = byId.get(id);
    return m ? [memberName(m)] : [];
  });
}

/** "Ana, Ben and 3 more" (at most `shown` names), or "No members". */
export function membersSummary(names: string[], shown = 3): string {
  if (names.length === 0) return "No members";
  if (names.length <= shown) {
    return names.length === 1
      ? (names[0] ?? "")
      : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  }
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}

/** A team id's label: "Everyone" for none, the team's name, or "(deleted team)". */
export function teamLabel(teamId: string, teams: Pick<Team, "id" | "name">[]): string {
  if (!teamId) return EVERYONE;
  return teams.find((t) => t.id === teamId)?.name ?? DELETED_TEAM;
}

/** Whether `teamId` names a team that is gone (only once the teams are known). */
export function isDeletedTeam(teamId: string, teams: Pick<Team, "id">[] | undefined): boolean {
  return Boolean(teamId) && teams !== undefined && !teams.some((t) => t.id === teamId);
}

export interface TeamFormErrors {
  name?: string;
  /** Problems with the members, each naming the member when the server pointed at one. */
  members?: string;
  form?: string;
}

/**
 * A refused create or update on the form: `name` at the name, `member_user_ids` and
 * `member_user_ids[i]` at the member picker (naming the i-th member sent), the 50-team limit
 * and everything else as one sentence.
 */
export function teamFormErrors(
  error: unknown,
  sentIds: string[],
  members: Member[],
): TeamFormErrors {
  const e = ConnectError.from(error);
  if (e.code === Code.FailedPrecondition) {
    return {
      form: `This workspace already has ${TEAMS_MAX} teams, the most it can have. Delete one to add another.`,
    };
  }
  const { fields, form } = formErrors(error);
  const out: TeamFormErrors = {};
  const memberProblems: string[] = [];
  for (const [path, message] of Object.entries(fields)) {
    if (path === "name") out.name = message;
    else if (path === "member_user_ids") memberProblems.push(message);
    else {
      const index = /^member_user_ids\[(\d+)\]$/.exec(path)?.[1];
      if (index === undefined) {
        out.form = out.form ? `${out.form} ${message}` : message;
        continue;
      }
      const id = sentIds[Number(index)] ?? "";
      const m = members.find((x) => x.userId === id);
      memberProblems.push(`${m ? memberName(m) : id || "A member"}: ${message}`);
    }
  }
  if (memberProblems.length > 0) out.members = memberProblems.join(" · ");
  if (form) out.form = form;
  return out;
}
