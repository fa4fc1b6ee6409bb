//! Settings: profile name, password, the workspace (admins: name, assignment, the time zone
//! reports count days in; `#time-zone` focuses it), canned responses, a way to the
//! notification settings (`/settings/notifications`) and theme.

import { Code, ConnectError, RoutingMode } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { CannedResponsesCard } from "../canned/CannedResponsesCard";
import { Button, buttonClasses } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Field, FormAlert, Input, Select } from "../components/ui/Field";
import { Card } from "../components/ui/misc";
import { Switch } from "../components/ui/Switch";
import { toast } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { authClient, publicAuthClient, session, workspaceClient } from "../lib/api";
import { useIsAdmin, useMe } from "../lib/auth";
import { formErrors } from "../lib/errors";
import { roleLabel } from "../lib/format";
import { setPrefs, usePrefs } from "../lib/prefs";
import { timeZoneChoices } from "../reports/timeZones";
import { PageHeader } from "../shell/PageHeader";

export function SettingsScreen() {
  const isAdmin = useIsAdmin();
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="Settings"
        description="Your profile, saved replies and how Porthole gets your attention."
      />
      <div className="mx-auto max-w-4xl space-y-6 px-4 pb-10 sm:px-8">
        <ProfileCard />
        <PasswordCard />
        {isAdmin && <WorkspaceCard />}
        <CannedResponsesCard />
        <NotificationsCard />
        <AppearanceCard />
      </div>
    </div>
  );
}

function ProfileCard() {
  const qc = useQueryClient();
  const me = useMe().data;
  const [name, setName] = useState(me?.user?.displayName ?? "");
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const save = useMutation({
    mutationFn: () => authClient.updateMe({ displayName: name }),
    onSuccess: (res) => {
      setErrors({ fields: {} });
      if (me && res.user) qc.setQueryData(keys.me, { ...me, user: res.user });
      void qc.invalidateQueries({ queryKey: keys.members });
      toast("Profile saved");
    },
    onError: (e) => setErrors(formErrors(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card
      title="Profile"
      description={`${me?.user?.email ?? ""} · ${me ? roleLabel[me.role] : ""} in ${me?.workspace?.name ?? ""}`}
    >
      <form onSubmit={submit} className="flex flex-wrap items-start gap-3" noValidate>
        <Field
          label="Display name"
          hint="Colleagues see it, and visitors see it on your replies."
          error={errors.fields.display_name}
          className="min-w-60 flex-1"
        >
          {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Button
          type="submit"
          variant="primary"
          className="mt-6"
          loading={save.isPending}
          disabled={name === me?.user?.displayName}
        >
          Save
        </Button>
      </form>
      <FormAlert>{errors.form}</FormAlert>
    </Card>
  );
}

function PasswordCard() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const me = useMe().data;
  const save = useMutation({
    mutationFn: async () => {
      await authClient.updateMe({ currentPassword: current, newPassword: next });
      // The change revoked every refresh token, this browser's too: sign in again with the
      // new password so this session outlives its current access token.
      const { session: renewed } = await publicAuthClient.logIn({
        email: me?.user?.email ?? "",
        password: next,
        workspaceId: me?.workspace?.id ?? "",
      });
      if (renewed) session.set(renewed);
    },
    onSuccess: () => {
      setErrors({ fields: {} });
      setCurrent("");
      setNext("");
      toast("Password changed", { description: "Other browsers and devices must sign in again." });
    },
    onError: (e) => {
      if (ConnectError.from(e).code === Code.PermissionDenied) {
        setErrors({ fields: { current_password: "This is not your current password." } });
      } else setErrors(formErrors(e));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card title="Password" description="Changing it signs you out everywhere else.">
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" noValidate>
        <Field label="Current password" error={errors.fields.current_password}>
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="New password"
          hint="At least 8 characters."
          error={errors.fields.new_password}
        >
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          )}
        </Field>
        <div className="sm:col-span-2">
          <FormAlert>{errors.form}</FormAlert>
          <Button
            type="submit"
            variant="primary"
            loading={save.isPending}
            disabled={!current || !next}
          >
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** Notifications have their own screen; this card says what is there and leads to it. */
function NotificationsCard() {
  return (
    <Card
      title="Notifications"
      description="New conversations, assignments and visitors' messages: by e-mail, push, sound or desktop notification."
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
          Choose what you are told of and how, turn on push in this browser, and silence this one.
        </p>
        <Link to="/settings/notifications" className={buttonClasses("secondary", "sm")}>
          <Bell className="size-3.5" /> Notification settings
        </Link>
      </div>
    </Card>
  );
}

function AppearanceCard() {
  const prefs = usePrefs();
  return (
    <Card title="Appearance">
      <fieldset aria-label="Theme" className="flex gap-2">
        {(["system", "light", "dark"] as const).map((theme) => (
          <button
            key={theme}
            type="button"
            aria-pressed={prefs.theme === theme}
            onClick={() => setPrefs({ theme })}
            className={cn(
              "rounded-lg px-3 py-1.5 text-[13px] font-medium capitalize ring-1",
              prefs.theme === theme
                ? "bg-brand-50 text-brand-700 ring-brand-300 dark:bg-brand-500/15 dark:text-brand-300 dark:ring-brand-700"
                : "ring-zinc-200 hover:bg-zinc-50 dark:ring-zinc-700 dark:hover:bg-zinc-800",
            )}
          >
            {theme === "system" ? "Match system" : theme}
          </button>
        ))}
      </fieldset>
    </Card>
  );
}

const routingLabel: Record<RoutingMode, string> = {
  [RoutingMode.UNSPECIFIED]: "Least loaded",
  [RoutingMode.LEAST_LOADED]: "Least loaded agent first",
  [RoutingMode.ROUND_ROBIN]: "Round robin",
  [RoutingMode.MANUAL]: "Manual: agents pick conversations",
};

/** Workspace name and routing (owners and admins). */
function WorkspaceCard() {
  const qc = useQueryClient();
  const me = useMe().data;
  const workspace = me?.workspace;
  const [name, setName] = useState(workspace?.name ?? "");
  const [routing, setRouting] = useState<RoutingMode>(
    workspace?.routingMode || RoutingMode.LEAST_LOADED,
  );
  const [unassign, setUnassign] = useState(workspace?.unassignOnOffline ?? false);
  const savedZone = workspace?.timeZone || "UTC";
  const [timeZone, setTimeZone] = useState(savedZone);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = useMemo(
    () => timeZoneChoices(savedZone, timeZone, browserZone),
    [savedZone, timeZone, browserZone],
  );
  const zoneSelect = useRef<HTMLSelectElement>(null);
  const location = useLocation();
  // The reports' "Change" link leads here.
  useEffect(() => {
    if (location.hash !== "#time-zone") return;
    zoneSelect.current?.scrollIntoView({ block: "center" });
    zoneSelect.current?.focus({ preventScroll: true });
  }, [location.hash]);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const save = useMutation({
    mutationFn: () =>
      workspaceClient.updateWorkspace({
        name,
        routingMode: routing,
        unassignOnOffline: unassign,
        // Only a change: unset leaves it as it is.
        ...(timeZone !== savedZone ? { timeZone } : {}),
      }),
    onSuccess: (res) => {
      setErrors({ fields: {} });
      if (me && res.workspace) qc.setQueryData(keys.me, { ...me, workspace: res.workspace });
      // Reports count days in the time zone: the ones held are of the old days.
      void qc.invalidateQueries({ queryKey: keys.reports });
      toast("Workspace saved");
    },
    onError: (e) => setErrors(formErrors(e)),
  });
  const dirty =
    name !== workspace?.name ||
    routing !== (workspace?.routingMode || RoutingMode.LEAST_LOADED) ||
    unassign !== workspace?.unassignOnOffline ||
    timeZone !== savedZone;
  return (
    <Card
      title="Workspace"
      description="How new conversations find an agent, and whose clock reports keep."
    >
      <form
        className="space-y-5"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Workspace name" error={errors.fields.name}>
            {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field
            label="Assignment"
            error={errors.fields.routing_mode}
            hint={
              routing === RoutingMode.MANUAL
                ? "New conversations wait in the inbox until someone takes them."
                : "New conversations go to online agents with room, up to each one's limit."
            }
          >
            {(p) => (
              <Select
                {...p}
                value={routing}
                onChange={(e) => setRouting(Number(e.target.value) as RoutingMode)}
              >
                {[RoutingMode.LEAST_LOADED, RoutingMode.ROUND_ROBIN, RoutingMode.MANUAL].map(
                  (m) => (
                    <option key={m} value={m}>
                      {routingLabel[m]}
                    </option>
                  ),
                )}
              </Select>
            )}
          </Field>
        </div>
        <div id="time-zone" className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Time zone for reports"
            error={errors.fields.time_zone}
            hint={
              <>
                Reports and the Overview count days from midnight here.
                {browserZone && browserZone !== timeZone && (
                  <>
                    {" "}
                    <button
                      type="button"
                      className="font-medium text-brand-600 hover:underline dark:text-brand-300"
                      onClick={() => setTimeZone(browserZone)}
                    >
                      Use {browserZone}
                    </button>{" "}
                    (this browser's).
                  </>
                )}
              </>
            }
          >
            {(p) => (
              <Select
                {...p}
                ref={zoneSelect}
                value={timeZone}
                onChange={(e) => setTimeZone(e.target.value)}
              >
                {zones.map((zone) => (
                  <option key={zone.name} value={zone.name}>
                    {zone.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Switch
          checked={unassign}
          onCheckedChange={setUnassign}
          label="Hand back conversations of agents who go offline"
          description="Their open conversations return to the queue for someone else."
        />
        <FormAlert>{errors.form}</FormAlert>
        <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>
          Save workspace
        </Button>
      </form>
    </Card>
  );
}
