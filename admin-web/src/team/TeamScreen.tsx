//! The team: members with role, presence and load; the workspace's teams (`TeamsCard.tsx`);
//! invitations with a copyable link (`?invite=1`, the checklist's "Invite people", opens the
//! dialog at once); pending invitations with revoke.

import { AgentStatus, type Invite, type Member, Role } from "@porthole/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MoreHorizontal, UserPlus } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useSearchParams } from "react-router";
import { Button, IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { ConfirmDialog, Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input, Select } from "../components/ui/Field";
import {
  MenuContent,
  MenuItem,
  MenuLabel,
  MenuRoot,
  MenuSeparator,
  MenuTrigger,
} from "../components/ui/Menu";
import { Avatar, Badge, Card, CopyButton, Spinner } from "../components/ui/misc";
import { toast, toastError } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { useMembers } from "../inbox/queries";
import { workspaceClient } from "../lib/api";
import { useIsAdmin, useMe } from "../lib/auth";
import { describeError, formErrors } from "../lib/errors";
import { agentStatusLabel, ago, fullTime, roleLabel } from "../lib/format";
import { PageHeader } from "../shell/PageHeader";
import { TeamsCard } from "./TeamsCard";

const presenceDot: Record<AgentStatus, string> = {
  [AgentStatus.UNSPECIFIED]: "bg-zinc-300",
  [AgentStatus.ONLINE]: "bg-emerald-500",
  [AgentStatus.AWAY]: "bg-amber-500",
  [AgentStatus.BUSY]: "bg-red-500",
  [AgentStatus.OFFLINE]: "bg-zinc-300 dark:bg-zinc-600",
};

export function TeamScreen() {
  const members = useMembers(true);
  const isAdmin = useIsAdmin();
  const [params, setParams] = useSearchParams();
  const [inviting, setInvitingState] = useState(() => params.get("invite") === "1");
  const setInviting = (open: boolean) => {
    setInvitingState(open);
    if (!open && params.has("invite")) setParams({}, { replace: true });
  };
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="Team"
        description="Everyone who answers chats in this workspace."
        actions={
          isAdmin && (
            <Button variant="primary" onClick={() => setInviting(true)}>
              <UserPlus className="size-4" /> Invite teammate
            </Button>
          )
        }
      />
      <div className="mx-auto max-w-4xl space-y-6 px-4 pb-10 sm:px-8">
        {isAdmin && <Workload members={members.data?.members ?? []} />}
        <section className="overflow-hidden rounded-xl ring-1 ring-zinc-200 dark:ring-zinc-800">
          {members.isPending ? (
            <div className="flex justify-center py-10">
              <Spinner />
            </div>
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Members">
              {members.data?.members.map((m) => (
                <MemberRow key={m.userId} member={m} canManage={isAdmin} />
              ))}
            </ul>
          )}
        </section>
        {isAdmin && members.data?.members.length === 1 && (
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-[13px] text-zinc-500 dark:text-zinc-400">
            It's just you so far. Invite the people who answer chats: each gets their own login, and
            conversations are shared among those online.
            <Button size="sm" onClick={() => setInviting(true)}>
              <UserPlus className="size-3.5" /> Invite your team
            </Button>
          </p>
        )}
        <TeamsCard members={members.data?.members ?? []} canManage={isAdmin} />
        {isAdmin && <PendingInvites />}
      </div>
      <InviteDialog open={inviting && isAdmin} onOpenChange={setInviting} />
    </div>
  );
}

function MemberRow({ member: m, canManage }: { member: Member; canManage: boolean }) {
  const qc = useQueryClient();
  const me = useMe().data;
  const [removing, setRemoving] = useState(false);
  const isMe = m.userId === me?.user?.id;
  const update = useMutation({
    mutationFn: (change: { role?: Role; maxConcurrentChats?: number }) =>
      workspaceClient.updateMember({
        userId: m.userId,
        role: change.role ?? Role.UNSPECIFIED,
        ...(change.maxConcurrentChats ? { maxConcurrentChats: change.maxConcurrentChats } : {}),
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.members });
      toast("Member updated");
    },
    onError: (e) => toastError("Could not update the member", describeError(e)),
  });
  const remove = useMutation({
    mutationFn: () => workspaceClient.removeMember({ userId: m.userId }),
    onSuccess: () => {
      setRemoving(false);
      void qc.invalidateQueries({ queryKey: keys.members });
      toast(`${m.displayName || m.email} was removed`);
    },
    onError: (e) => {
      setRemoving(false);
      toastError("Could not remove the member", describeError(e));
    },
  });
  const ownerOnly = m.role === Role.OWNER && me?.role !== Role.OWNER;
  return (
    <li className="flex items-center gap-3 bg-white px-5 py-3.5 dark:bg-zinc-900">
      <span className="relative">
        <Avatar name={m.displayName || m.email} seed={m.userId} />
        <span
          className={cn(
            "absolute -right-0.5 -bottom-0.5 size-2.5 rounded-full ring-2 ring-white dark:ring-zinc-900",
            presenceDot[m.presence],
          )}
          title={agentStatusLabel[m.presence]}
        />
      </span>
      <div className="min-w-0 flex-1">
        <p className="flex items-center gap-2 truncate text-sm font-medium">
          {m.displayName || m.email}
          {isMe && <span className="text-xs font-normal text-zinc-400">(you)</span>}
        </p>
        <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{m.email}</p>
      </div>
      <div className="hidden text-right text-xs text-zinc-500 sm:block">
        <p>{agentStatusLabel[m.presence]}</p>
        <p className="tabular-nums">
          {m.currentLoad} / {m.maxConcurrentChats} chats
        </p>
      </div>
      <Badge
        tone={m.role === Role.OWNER ? "brand" : m.role === Role.ADMIN ? "blue" : "neutral"}
        className="w-14 justify-center"
      >
        {roleLabel[m.role]}
      </Badge>
      {canManage && !ownerOnly ? (
        <MenuRoot>
          <MenuTrigger asChild>
            <IconButton label={`Manage ${m.displayName || m.email}`} size="sm">
              <MoreHorizontal className="size-4" />
            </IconButton>
          </MenuTrigger>
          <MenuContent align="end">
            <MenuLabel>Role</MenuLabel>
            {[Role.OWNER, Role.ADMIN, Role.AGENT].map((r) => (
              <MenuItem
                key={r}
                disabled={r === m.role || (r === Role.OWNER && me?.role !== Role.OWNER)}
                onSelect={() => update.mutate({ role: r })}
              >
                {roleLabel[r]}
                {r === m.role && <span className="ml-auto text-xs text-zinc-400">current</span>}
              </MenuItem>
            ))}
            <MenuSeparator />
            <MenuLabel>Chats at once</MenuLabel>
            {[3, 5, 10, 20].map((n) => (
              <MenuItem
                key={n}
                disabled={n === m.maxConcurrentChats}
                onSelect={() => update.mutate({ maxConcurrentChats: n })}
              >
                {n}
                {n === m.maxConcurrentChats && (
                  <span className="ml-auto text-xs text-zinc-400">current</span>
                )}
              </MenuItem>
            ))}
            {!isMe && (
              <>
                <MenuSeparator />
                <MenuItem danger onSelect={() => setRemoving(true)}>
                  Remove from workspace
                </MenuItem>
              </>
            )}
          </MenuContent>
        </MenuRoot>
      ) : (
        <span className="size-7" />
      )}
      <ConfirmDialog
        open={removing}
        onOpenChange={setRemoving}
        title={`Remove ${m.displayName || m.email}?`}
        description="They lose access to this workspace at once and are signed out here. Their conversations stay."
        confirmLabel="Remove"
        danger
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </li>
  );
}

function PendingInvites() {
  const qc = useQueryClient();
  const invites = useQuery({
    queryKey: keys.invites,
    queryFn: () => workspaceClient.listInvites({}),
  });
  const revoke = useMutation({
    mutationFn: (invite: Invite) => workspaceClient.revokeInvite({ inviteId: invite.id }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.invites });
      void qc.invalidateQueries({ queryKey: keys.setupProgress });
      toast("Invitation revoked");
    },
    onError: (e) => toastError("Could not revoke the invitation", describeError(e)),
  });
  const list = invites.data?.invites ?? [];
  return (
    <Card
      title="Pending invitations"
      description="Links work once and expire. Revoke one to make its link useless."
    >
      {invites.isPending ? (
        <Spinner />
      ) : list.length === 0 ? (
        <p className="text-[13px] text-zinc-500">No pending invitations.</p>
      ) : (
        <ul
          className="-my-2 divide-y divide-zinc-100 dark:divide-zinc-800"
          aria-label="Pending invitations"
        >
          {list.map((inv) => (
            <li key={inv.id} className="flex items-center gap-3 py-2.5">
              <div className="min-w-0 flex-1">
                <p className="truncate text-[13px] font-medium">{inv.email}</p>
                <p className="text-xs text-zinc-500" title={fullTime(inv.expireTime)}>
                  {roleLabel[inv.role]} · sent {ago(inv.createTime)}
                </p>
              </div>
              <Button
                size="sm"
                variant="ghost"
                loading={revoke.isPending && revoke.variables?.id === inv.id}
                onClick={() => revoke.mutate(inv)}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function InviteDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const qc = useQueryClient();
  const me = useMe().data;
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(Role.AGENT);
  const [link, setLink] = useState<string>();
  // Whether the server e-mails the link (it has SMTP configured).
  const [emailed, setEmailed] = useState(false);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const invite = useMutation({
    mutationFn: () => workspaceClient.createInvite({ email, role }),
    onSuccess: (res) => {
      setLink(`${window.location.origin}/app/invite/${res.inviteToken}`);
      setEmailed(res.emailed);
      void qc.invalidateQueries({ queryKey: keys.invites });
      // The checklist's "Invite your team".
      void qc.invalidateQueries({ queryKey: keys.setupProgress });
      // An e-mailed invitation is a new delivery.
      if (res.emailed) void qc.invalidateQueries({ queryKey: keys.jobs });
    },
    onError: (e) => setErrors(formErrors(e)),
  });
  const close = (o: boolean) => {
    onOpenChange(o);
    if (!o) {
      setEmail("");
      setLink(undefined);
      setErrors({ fields: {} });
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({ fields: {} });
    invite.mutate();
  };
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={link ? (emailed ? "Invitation sent" : "Invitation ready") : "Invite a teammate"}
      description={
        link
          ? emailed
            ? `We are e-mailing ${email} a link to join. You can also hand it over yourself: it works once and is shown only now.`
            : `Send this link to ${email}. It works once; it is shown only now.`
          : "They get a link to choose a name and password."
      }
    >
      {link ? (
        <div className="space-y-4">
          <div className="flex gap-2">
            <Input
              readOnly
              value={link}
              aria-label="Invitation link"
              className="font-mono text-xs"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={link} size="md" />
          </div>
          <div className="flex justify-end gap-2">
            <Button
              onClick={() => {
                setEmail("");
                setLink(undefined);
              }}
            >
              Invite another
            </Button>
            <Button variant="primary" onClick={() => close(false)}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <Field label="E-mail" error={errors.fields.email}>
            {(p) => (
              <Input
                {...p}
                type="email"
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Role"
            error={errors.fields.role}
            hint={
              role === Role.AGENT
                ? "Works conversations."
                : role === Role.ADMIN
                  ? "Also manages widgets and the team."
                  : "Everything, including owners."
            }
          >
            {(p) => (
              <Select {...p} value={role} onChange={(e) => setRole(Number(e.target.value) as Role)}>
                <option value={Role.AGENT}>Agent</option>
                <option value={Role.ADMIN}>Admin</option>
                {me?.role === Role.OWNER && <option value={Role.OWNER}>Owner</option>}
              </Select>
            )}
          </Field>
          <FormAlert>{errors.form}</FormAlert>
          <div className="flex justify-end gap-2">
            <Button onClick={() => close(false)}>Cancel</Button>
            <Button type="submit" variant="primary" loading={invite.isPending}>
              Create invitation
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** Who is available now and how many visitors wait for an agent. */
function Workload({ members }: { members: Member[] }) {
  const workload = useQuery({
    queryKey: ["workload"],
    queryFn: () => workspaceClient.getWorkload({}),
    refetchOnMount: "always",
  });
  const online = members.filter((m) => m.presence === AgentStatus.ONLINE);
  const load = online.reduce((sum, m) => sum + m.currentLoad, 0);
  const capacity = online.reduce((sum, m) => sum + m.maxConcurrentChats, 0);
  const queue = workload.data?.queueLength ?? 0;
  return (
    <dl className="grid grid-cols-3 divide-x divide-zinc-100 rounded-xl bg-white ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800">
      <Stat label="Online now" value={`${online.length} of ${members.length}`} />
      <Stat label="Open chats / capacity" value={`${load} / ${capacity}`} />
      <Stat
        label="Waiting for an agent"
        value={String(queue)}
        detail={
          queue > 0 && workload.data?.oldestQueueTime
            ? `oldest since ${ago(workload.data.oldestQueueTime)}`
            : undefined
        }
        alert={queue > 0}
      />
    </dl>
  );
}

function Stat({
  label,
  value,
  detail,
  alert,
}: {
  label: string;
  value: string;
  detail?: string | undefined;
  alert?: boolean;
}) {
  return (
    <div className="px-5 py-4">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd
        className={cn(
          "mt-1 text-lg font-semibold tabular-nums",
          alert && "text-amber-600 dark:text-amber-400",
        )}
      >
        {value}
      </dd>
      {detail && <dd className="text-xs text-zinc-500">{detail}</dd>}
    </div>
  );
}
