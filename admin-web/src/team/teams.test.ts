//! Teams without React: members' names, a team id's words, and refusals on the team form.

import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  type Member,
  MemberSchema,
  TeamSchema,
} from "@porthole/client";
import { describe, expect, test } from "vitest";
import {
  DELETED_TEAM,
  EVERYONE,
  isDeletedTeam,
  membersSummary,
  teamFormErrors,
  teamLabel,
  teamMemberNames,
} from "./teams";

const members: Member[] = [
  create(MemberSchema, { userId: "usr_ana", displayName: "Ana", email: "ana@example.com" }),
  create(MemberSchema, { userId: "usr_ben", displayName: "", email: "ben@example.com" }),
];

function invalid(...violations: Array<[string, string]>) {
  return new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, {
        fieldViolations: violations.map(([field, description]) => ({ field, description })),
      }),
    },
  ]);
}

test("a team's members by name, in its order, skipping ids no member has", () => {
  const team = create(TeamSchema, { memberUserIds: ["usr_ben", "usr_gone", "usr_ana"] });
  expect(teamMemberNames(team, members)).toEqual(["ben@example.com", "Ana"]);
});

test("members in a sentence", () => {
  expect(membersSummary([])).toBe("No members");
  expect(membersSummary(["Ana"])).toBe("Ana");
  expect(membersSummary(["Ana", "Ben"])).toBe("Ana and Ben");
  expect(membersSummary(["Ana", "Ben", "Cy"])).toBe("Ana, Ben and Cy");
  expect(membersSummary(["Ana", "Ben", "Cy", "Di", "Ed"])).toBe("Ana, Ben, Cy and 2 more");
});

test("a team id in words: everyone, the team, or a deleted team", () => {
  const teams = [{ id: "tem_sales", name: "Sales" }];
  expect(teamLabel("", teams)).toBe(EVERYONE);
  expect(teamLabel("tem_sales", teams)).toBe("Sales");
  expect(teamLabel("tem_gone", teams)).toBe(DELETED_TEAM);
  expect(isDeletedTeam("tem_gone", teams)).toBe(true);
  expect(isDeletedTeam("tem_sales", teams)).toBe(false);
  expect(isDeletedTeam("", teams)).toBe(false);
  // Not known yet: not called deleted.
  expect(isDeletedTeam("tem_gone", undefined)).toBe(false);
});

describe("teamFormErrors", () => {
  test("the name at the name, a member named by the one sent at that index", () => {
    const e = invalid(
      ["name", "must be 1 to 60 characters"],
      ["member_user_ids[1]", "is not a member of the workspace"],
    );
    expect(teamFormErrors(e, ["usr_ana", "usr_ben"], members)).toEqual({
      name: "must be 1 to 60 characters",
      members: "ben@example.com: is not a member of the workspace",
    });
  });

  test("the list as a whole, and an id no member has", () => {
    const e = invalid(
      ["member_user_ids", "at most 200 members"],
      ["member_user_ids[0]", "is not a member of the workspace"],
    );
    expect(teamFormErrors(e, ["usr_gone"], members).members).toBe(
      "at most 200 members · usr_gone: is not a member of the workspace",
    );
  });

  test("the 50-team limit is a sentence", () => {
    const e = new ConnectError("a workspace has at most 50 teams", Code.FailedPrecondition);
    expect(teamFormErrors(e, [], members)).toEqual({
      form: "This workspace already has 50 teams, the most it can have. Delete one to add another.",
    });
  });

  test("anything else is the call's sentence", () => {
    const e = new ConnectError("only owners and admins", Code.PermissionDenied);
    expect(teamFormErrors(e, [], members)).toEqual({ form: "only owners and admins" });
  });
});
