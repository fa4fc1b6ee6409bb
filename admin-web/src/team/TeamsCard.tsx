//! The Team screen's "Teams" card: the workspace's teams with their members' names; owners
//! and admins create, rename, change members and delete (asks first); agents see the list
//! (the server refuses their changes anyway: PERMISSION_DENIED).

import type { Member, Team } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2 } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Button, IconButton } from "../components/ui/Button";
import { ConfirmDialog, Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { Avatar, Card, Spinner } from "../components/ui/misc";
import { toast, toastError } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { teamClient } from "../lib/api";
import { describeError } from "../lib/errors";
import { useTeams } from "./queries";
import {
  memberName,
  membersSummary,
  TEAM_NAME_MAX,
  type TeamFormErrors,
  teamFormErrors,
  teamMemberNames,
} from "./teams";

export function TeamsCard({ members, canManage }: { members: Member[]; canManage: boolean }) {
  const teams = useTeams();
  // `null`: the editor is closed; no `existing` inside: a new team.
  const [editing, setEditing] = useState<{ existing?: Team } | null>(null);
  const list = teams.data ?? [];
  return (
    <Card
      title="Teams"
      description={
        canManage
          ? "Groups of members. A widget can send its conversations to a team, and agents can move a conversation to one: only its members are offered it."
          : "Groups of members a widget or an agent can send conversations to. Owners and admins manage them."
      }
      actions={
        canManage && (
          <Button size="sm" variant="primary" onClick={() => setEditing({})}>
            <Plus className="size-3.5" /> New team
          </Button>
        )
      }
    >
      {teams.isPending ? (
        <Spinner />
      ) : teams.isError ? (
        <FormAlert>{describeError(teams.error)}</FormAlert>
      ) : list.length === 0 ? (
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
          No teams yet.
          {canManage && " Every conversation goes to everyone online until you add one."}
        </p>
      ) : (
        <ul aria-label="Teams" className="-my-2 divide-y divide-zinc-100 dark:divide-zinc-800">
          {list.map((t) => (
            <TeamRow
              key={t.id}
              team={t}
              members={members}
              canManage={canManage}
              onEdit={() => setEditing({ existing: t })}
            />
          ))}
        </ul>
      )}
      <TeamEditor
        key={editing?.existing?.id ?? "new"}
        open={editing !== null}
        existing={editing?.existing}
        members={members}
        onOpenChange={(open) => !open && setEditing(null)}
      />
    </Card>
  );
}

function TeamRow({
  team: t,
  members,
  canManage,
  onEdit,
}: {
  team: Team;
  members: Member[];
  canManage: boolean;
  onEdit: () => void;
}) {
  const qc = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  const names = teamMemberNames(t, members);
  const remove = useMutation({
    mutationFn: () => teamClient.deleteTeam({ teamId: t.id }),
    onSuccess: () => {
      setDeleting(false);
      void qc.invalidateQueries({ queryKey: keys.teams });
      toast(`${t.name} deleted`);
    },
    onError: (e) => {
      setDeleting(false);
      toastError("Could not delete the team", describeError(e));
    },
  });
  return (
    <li className="flex items-center gap-3 py-3" aria-label={t.name}>
      <div className="min-w-0 flex-1">
        <p className="truncate text-[13px] font-medium">{t.name}</p>
        <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" title={names.join(", ")}>
          {names.length > 0 && `${names.length} · `}
          {membersSummary(names)}
        </p>
      </div>
      {canManage && (
        <div className="flex shrink-0 gap-0.5">
          <IconButton size="sm" label={`Edit ${t.name}`} onClick={onEdit}>
            <Pencil className="size-3.5" />
          </IconButton>
          <IconButton size="sm" label={`Delete ${t.name}`} onClick={() => setDeleting(true)}>
            <Trash2 className="size-3.5" />
          </IconButton>
        </div>
      )}
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete ${t.name}?`}
        description="Its waiting conversations go back to everyone, and widgets that send conversations to it send them to everyone."
        confirmLabel="Delete team"
        danger
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </li>
  );
}

/** Create (no `existing`) or edit a team: its name and members; refusals show inline. */
function TeamEditor({
  open,
  existing,
  members,
  onOpenChange,
}: {
  open: boolean;
  existing?: Team | undefined;
  members: Member[];
  onOpenChange: (open: boolean) => void;
}) {
  const qc = useQueryClient();
  const [name, setName] = useState(existing?.name ?? "");
  const [chosen, setChosen] = useState<string[]>(() => existing?.memberUserIds ?? []);
  const [errors, setErrors] = useState<TeamFormErrors>({});
  // The members in the workspace's order, so what is sent matches what is shown.
  const ids = members.map((m) => m.userId).filter((id) => chosen.includes(id));
  const save = useMutation({
    mutationFn: async (memberUserIds: string[]) => {
      if (!existing) return (await teamClient.createTeam({ name, memberUserIds })).team;
      const sameMembers =
        memberUserIds.length === existing.memberUserIds.length &&
        memberUserIds.every((id) => existing.memberUserIds.includes(id));
      return (
        await teamClient.updateTeam({
          teamId: existing.id,
          ...(name !== existing.name ? { name } : {}),
          replaceMembers: !sameMembers,
          memberUserIds: sameMembers ? [] : memberUserIds,
        })
      ).team;
    },
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: keys.teams });
      toast(existing ? `${saved?.name ?? name} saved` : `${saved?.name ?? name} created`);
      close(false);
    },
    onError: (e, sent) => setErrors(teamFormErrors(e, sent, members)),
  });
  function close(o: boolean) {
    onOpenChange(o);
    if (!o) {
      setErrors({});
      if (!existing) {
        setName("");
        setChosen([]);
      }
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    save.mutate(ids);
  };
  const toggle = (id: string, on: boolean) =>
    setChosen((c) => (on ? [...c.filter((x) => x !== id), id] : c.filter((x) => x !== id)));
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={existing ? `Edit ${existing.name}` : "New team"}
      description="Conversations sent to a team are offered to its members only."
      className="max-w-lg"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name" hint={`Up to ${TEAM_NAME_MAX} characters.`} error={errors.name}>
          {(p) => (
            <Input
              {...p}
              autoFocus
              autoComplete="off"
              maxLength={TEAM_NAME_MAX}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <fieldset aria-describedby={errors.members ? "team-members-error" : undefined}>
          <legend className="mb-1.5 text-[13px] font-medium">
            Members <span className="font-normal text-zinc-500">({ids.length} chosen)</span>
          </legend>
          <ul className="max-h-60 divide-y divide-zinc-100 overflow-y-auto rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800">
            {members.map((m) => (
              <li key={m.userId}>
                <label className="flex cursor-pointer items-center gap-3 px-3 py-2 hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                  <input
                    type="checkbox"
                    className="accent-brand-600"
                    checked={chosen.includes(m.userId)}
                    onChange={(e) => toggle(m.userId, e.target.checked)}
                  />
                  <Avatar name={memberName(m)} seed={m.userId} size="xs" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-[13px]">{memberName(m)}</span>
                    {m.displayName && (
                      <span className="block truncate text-xs text-zinc-500">{m.email}</span>
                    )}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {errors.members && (
            <p id="team-members-error" className="mt-1.5 text-xs text-red-600">
              {errors.members}
            </p>
          )}
        </fieldset>
        <FormAlert>{errors.form}</FormAlert>
        <div className="flex justify-end gap-2">
          <Button onClick={() => close(false)}>Cancel</Button>
          <Button type="submit" variant="primary" loading={save.isPending}>
            {existing ? "Save" : "Create team"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
