//! "Send conversations to": everyone, or one team (`settings.team_id`; routing then offers
//! the widget's conversations to the team's members only). A stored team that was deleted
//! shows as "(deleted team)" — its conversations go to everyone meanwhile — until another
//! choice is made.

import { Info } from "lucide-react";
import { Field, Select } from "../components/ui/Field";
import { useTeams } from "../team/queries";
import { DELETED_TEAM, EVERYONE, isDeletedTeam } from "../team/teams";

export function TeamChoice({
  value,
  onChange,
  error,
}: {
  /** The team id in the form; "" for everyone. */
  value: string;
  onChange: (teamId: string) => void;
  error?: string | undefined;
}) {
  const teams = useTeams();
  const list = teams.data ?? [];
  const deleted = isDeletedTeam(value, teams.data);
  return (
    <Field
      label="Send conversations to"
      error={error}
      hint={
        deleted ? (
          <span className="flex items-center gap-1.5 text-amber-800 dark:text-amber-300">
            <Info className="size-3.5 shrink-0" aria-hidden />
            That team was deleted: conversations go to everyone. Choose again.
          </span>
        ) : list.length === 0 ? (
          "Everyone online is offered them. Add teams on the Team page to send them to a group."
        ) : value ? (
          "Only the team's members are offered them, and they wait in the team's own line."
        ) : (
          "Everyone online is offered them."
        )
      }
    >
      {(p) => (
        <Select
          {...p}
          value={value}
          disabled={teams.isPending}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">{EVERYONE}</option>
          {list.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
          {deleted && <option value={value}>{DELETED_TEAM}</option>}
        </Select>
      )}
    </Field>
  );
}
