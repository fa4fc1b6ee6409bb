//! Notifications (`/settings/notifications`, every member): what they are told of and how
//! (a table of events × channels, or the workspace's defaults), why a channel cannot work
//! here, push in their browsers (`PushCard.tsx`), this browser's own sound and desktop
//! switches, and for owners and admins the workspace's defaults.

import type { GetNotificationSettingsResponse } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft } from "lucide-react";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { Button } from "../components/ui/Button";
import { FormAlert } from "../components/ui/Field";
import { Spinner } from "../components/ui/misc";
import { Switch } from "../components/ui/Switch";
import { toast } from "../components/ui/Toast";
import { notificationClient } from "../lib/api";
import { playChime, requestNotifications } from "../lib/attention";
import { useIsAdmin, useMe } from "../lib/auth";
import { describeError, formErrors } from "../lib/errors";
import { setPrefs, usePrefs } from "../lib/prefs";
import { PageHeader } from "../shell/PageHeader";
import {
  type BrowserAbilities,
  type Channel,
  channelNotes,
  type Grid,
  gridOf,
  rulesOf,
  sameGrid,
  withCell,
} from "./model";
import { PushCard } from "./PushCard";
import { browserAbilities } from "./push";
import { changeHeldSettings, useNotificationSettings } from "./queries";
import { ChannelNotes, RulesTable } from "./RulesTable";
import { Section } from "./Section";

export function NotificationsScreen() {
  const me = useMe();
  const isAdmin = useIsAdmin();
  const settings = useNotificationSettings();
  const [abilities, refreshAbilities] = useBrowserAbilities();
  const userId = me.data?.user?.id ?? "";
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        back={
          <Link
            to="/settings"
            className="mb-2 inline-flex items-center gap-1 text-[13px] font-medium text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
          >
            <ArrowLeft className="size-3.5" /> Settings
          </Link>
        }
        title="Notifications"
        description="What Porthole tells you about, and how: by e-mail, a push to your browsers, and a sound and a desktop notification in an open dashboard."
      />
      <div className="mx-auto max-w-4xl space-y-6 px-4 pb-10 sm:px-8">
        {settings.isPending ? (
          <div className="flex justify-center py-10">
            <Spinner />
          </div>
        ) : !settings.data ? (
          <FormAlert>
            <span className="font-medium">Your notification settings could not be loaded.</span>{" "}
            {describeError(settings.error)}
          </FormAlert>
        ) : (
          <>
            <MyRulesCard data={settings.data} abilities={abilities} />
            {userId && (
              <PushCard
                data={settings.data}
                userId={userId}
                abilities={abilities}
                onPermissionChange={refreshAbilities}
              />
            )}
            <ThisBrowserCard abilities={abilities} onPermissionChange={refreshAbilities} />
            {isAdmin && <WorkspaceDefaultsCard data={settings.data} />}
          </>
        )}
      </div>
    </div>
  );
}

/** What this browser can do, read again when the window regains focus or the permission changes. */
function useBrowserAbilities(): [BrowserAbilities, () => void] {
  const [abilities, setAbilities] = useState(browserAbilities);
  useEffect(() => {
    const refresh = () => setAbilities(browserAbilities());
    window.addEventListener("focus", refresh);
    let status: PermissionStatus | undefined;
    navigator.permissions
      ?.query({ name: "notifications" })
      .then((s) => {
        status = s;
        s.addEventListener("change", refresh);
      })
      .catch(() => {});
    return () => {
      window.removeEventListener("focus", refresh);
      status?.removeEventListener("change", refresh);
    };
  }, []);
  return [abilities, () => setAbilities(browserAbilities())];
}

/** A failed save as one sentence (an unknown event is a field violation). */
function saveError(error: unknown): string {
  const { fields, form } = formErrors(error);
  return form ?? Object.values(fields).join(" ");
}

/** The member's own choices: follow the workspace's defaults, or a table of their own. */
interface Draft {
  useDefaults: boolean;
  grid: Grid;
}

function MyRulesCard({
  data,
  abilities,
}: {
  data: GetNotificationSettingsResponse;
  abilities: BrowserAbilities;
}) {
  const qc = useQueryClient();
  const saved: Draft = { useDefaults: data.usesWorkspaceDefaults, grid: gridOf(data.settings) };
  const defaults = gridOf(data.workspaceDefaults);
  // `null`: nothing changed here, so the table shows the server's settings as they come.
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string>();
  const shown = draft ?? saved;
  const grid = shown.useDefaults ? defaults : shown.grid;
  const dirty =
    draft !== null &&
    (draft.useDefaults !== saved.useDefaults ||
      (!draft.useDefaults && !sameGrid(draft.grid, saved.grid)));
  const notes = channelNotes(
    { emailAvailable: data.emailAvailable, browsers: data.pushSubscriptions.length },
    abilities,
  );
  const unavailable = new Set<Channel>(
    notes.filter((n) => n.tone === "unavailable").map((n) => n.channel),
  );

  const save = useMutation({
    mutationFn: (d: Draft) =>
      notificationClient.updateNotificationSettings(
        d.useDefaults ? { useWorkspaceDefaults: true } : { settings: { rules: rulesOf(d.grid) } },
      ),
    onSuccess: (res, d) => {
      changeHeldSettings(qc, (old) => ({
        ...old,
        settings: res.settings,
        usesWorkspaceDefaults: d.useDefaults,
      }));
      setDraft(null);
      setError(undefined);
      toast("Notification settings saved");
    },
    onError: (e) => setError(saveError(e)),
  });

  return (
    <Section
      title="What you are told of"
      description="For each event, the ways Porthole tells you. They apply to you wherever you sign in."
    >
      <div className="border-b border-zinc-100 px-5 py-4 dark:border-zinc-800">
        <Switch
          checked={shown.useDefaults}
          disabled={save.isPending}
          onCheckedChange={(useDefaults) =>
            setDraft({ useDefaults, grid: useDefaults ? shown.grid : defaults })
          }
          label="Use the workspace's defaults"
          description={
            shown.useDefaults
              ? "Your workspace's owners and admins choose them, and changes to them apply to you. Change a box below to choose your own."
              : "You choose your own below. Switch this on to follow the workspace's defaults again."
          }
        />
      </div>
      <div className="overflow-x-auto">
        <RulesTable
          label="Your notifications"
          grid={grid}
          disabled={save.isPending}
          unavailable={unavailable}
          // A change while following the defaults starts the member's own from them.
          onToggle={(event, channel, on) =>
            setDraft({ useDefaults: false, grid: withCell(grid, event, channel, on) })
          }
        />
      </div>
      <div className="space-y-3 border-t border-zinc-100 px-5 py-4 dark:border-zinc-800">
        <ChannelNotes notes={notes} />
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          <span className="font-medium text-zinc-700 dark:text-zinc-300">
            E-mail and push are sent only while no Porthole dashboard of yours is open.
          </span>{" "}
          An open dashboard, in any browser, plays the sound and shows the desktop notification
          instead. Offline messages are e-mailed either way.
        </p>
        <FormAlert>{error}</FormAlert>
        <div className="flex gap-2">
          <Button
            variant="primary"
            disabled={!dirty}
            loading={save.isPending}
            onClick={() => draft && save.mutate(draft)}
          >
            Save
          </Button>
          {dirty && (
            <Button
              variant="ghost"
              disabled={save.isPending}
              onClick={() => {
                setDraft(null);
                setError(undefined);
              }}
            >
              Discard changes
            </Button>
          )}
        </div>
      </div>
    </Section>
  );
}

/** This browser's own switches: they can silence it, never add to the table's choices. */
function ThisBrowserCard({
  abilities,
  onPermissionChange,
}: {
  abilities: BrowserAbilities;
  onPermissionChange: () => void;
}) {
  const prefs = usePrefs();
  const { permission } = abilities;
  return (
    <Section
      title="Sound and desktop notifications in this browser"
      description="For the events whose Sound and Desktop boxes are ticked, while a dashboard is open here."
    >
      <div className="space-y-5 px-5 py-4">
        <div className="flex items-center justify-between gap-4">
          <div className="flex-1">
            <Switch
              checked={prefs.sound}
              onCheckedChange={(sound) => setPrefs({ sound })}
              label="Play sounds in this browser"
              description="A soft chime. Switch off to keep just this browser quiet."
            />
          </div>
          <Button size="sm" variant="ghost" onClick={() => playChime()}>
            Play it
          </Button>
        </div>
        <div className="space-y-2">
          <Switch
            checked={prefs.desktop && permission === "granted"}
            disabled={permission !== "granted"}
            onCheckedChange={(desktop) => setPrefs({ desktop })}
            label="Show desktop notifications in this browser"
            description={
              permission === "unsupported"
                ? "This browser cannot show desktop notifications."
                : permission === "denied"
                  ? "Blocked in this browser's site settings. Allow notifications for Porthole there to turn this on."
                  : permission === "default"
                    ? "This browser has not been allowed to show notifications yet."
                    : "Shown even when the dashboard tab is in the background."
            }
          />
          {permission === "default" && (
            <Button
              size="sm"
              onClick={async () => {
                const result = await requestNotifications();
                onPermissionChange();
                if (result === "granted") setPrefs({ desktop: true });
              }}
            >
              Allow desktop notifications
            </Button>
          )}
        </div>
      </div>
    </Section>
  );
}

/** The workspace's defaults (owners and admins): what members who have not chosen get. */
function WorkspaceDefaultsCard({ data }: { data: GetNotificationSettingsResponse }) {
  const qc = useQueryClient();
  const saved = gridOf(data.workspaceDefaults);
  const [draft, setDraft] = useState<Grid | null>(null);
  const [error, setError] = useState<string>();
  const grid = draft ?? saved;
  const dirty = draft !== null && !sameGrid(draft, saved);
  const notes = channelNotes(
    { emailAvailable: data.emailAvailable, browsers: 1 },
    { pushSupported: true, permission: "granted" },
  );
  const save = useMutation({
    mutationFn: (g: Grid) =>
      notificationClient.updateWorkspaceNotificationDefaults({
        settings: { rules: rulesOf(g) },
      }),
    onSuccess: (res) => {
      changeHeldSettings(qc, (old) => ({
        ...old,
        workspaceDefaults: res.settings,
        ...(old.usesWorkspaceDefaults ? { settings: res.settings } : {}),
      }));
      setDraft(null);
      setError(undefined);
      toast("Workspace defaults saved", {
        description: "Members who follow them are told accordingly from now on.",
      });
    },
    onError: (e) => setError(saveError(e)),
  });
  return (
    <Section
      title="Workspace defaults"
      description="What members who have not chosen their own are told of, new members included. Only owners and admins change them."
    >
      <div className="overflow-x-auto">
        <RulesTable
          label="Workspace defaults"
          grid={grid}
          disabled={save.isPending}
          unavailable={new Set(notes.map((n) => n.channel))}
          onToggle={(event, channel, on) => setDraft(withCell(grid, event, channel, on))}
        />
      </div>
      <div className="space-y-3 border-t border-zinc-100 px-5 py-4 dark:border-zinc-800">
        <ChannelNotes notes={notes} label="Notes on the defaults" />
        <FormAlert>{error}</FormAlert>
        <div className="flex gap-2">
          <Button
            variant="primary"
            disabled={!dirty}
            loading={save.isPending}
            onClick={() => draft && save.mutate(draft)}
          >
            Save defaults
          </Button>
          {dirty && (
            <Button
              variant="ghost"
              disabled={save.isPending}
              onClick={() => {
                setDraft(null);
                setError(undefined);
              }}
            >
              Discard changes
            </Button>
          )}
        </div>
      </div>
    </Section>
  );
}
