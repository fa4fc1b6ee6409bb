//! Push in the member's browsers: turning it on (or off) in this one, the browsers
//! registered (this one marked), removing one, and "Send a test" (the server's refusal —
//! no browser, too many tests — said by the button).

import {
  Code,
  ConnectError,
  type GetNotificationSettingsResponse,
  type PushSubscription as RegisteredBrowser,
} from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { BellOff, BellRing, Check, Send, Trash2 } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "../components/ui/Button";
import { FormAlert } from "../components/ui/Field";
import { Badge } from "../components/ui/misc";
import { toast, toastError } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { notificationClient } from "../lib/api";
import { describeError } from "../lib/errors";
import { ago, fullTime } from "../lib/format";
import { type BrowserAbilities, browserLabel } from "./model";
import {
  describePushError,
  forgetThisBrowser,
  type PushRecord,
  thisBrowser,
  turnOnPush,
} from "./push";
import { changeHeldSettings } from "./queries";
import { Section } from "./Section";

/** Browsers one member may register (`AddPushSubscription` refuses more). */
const MAX_BROWSERS = 10;

export function PushCard({
  data,
  userId,
  abilities,
  onPermissionChange,
}: {
  data: GetNotificationSettingsResponse;
  userId: string;
  abilities: BrowserAbilities;
  onPermissionChange: () => void;
}) {
  const qc = useQueryClient();
  const browsers = data.pushSubscriptions;
  const [found, setFound] = useState<PushRecord>();
  const [turnOnError, setTurnOnError] = useState<string>();
  const [testError, setTestError] = useState<string>();
  const listed = browsers.map((b) => b.id).join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: looked for again whenever the list changes (a removal elsewhere, a new registration)
  useEffect(() => {
    let live = true;
    void thisBrowser(userId).then((record) => {
      if (live) setFound(record);
    });
    return () => {
      live = false;
    };
  }, [userId, listed]);
  // This browser's registration, as long as the server still lists it.
  const here = found && browsers.some((b) => b.id === found.subscriptionId) ? found : undefined;

  const turnOn = useMutation({
    mutationFn: () => turnOnPush(userId, data.vapidPublicKey, browserLabel(navigator.userAgent)),
    onSuccess: (record) => {
      setFound(record);
      setTurnOnError(undefined);
      void qc.invalidateQueries({ queryKey: keys.notificationSettings });
      toast("Push is on in this browser", {
        description: "Send a test to see what one looks like.",
      });
    },
    onError: (e) => setTurnOnError(describePushError(e)),
    onSettled: onPermissionChange,
  });

  const remove = useMutation({
    mutationFn: async (id: string) => {
      try {
        await notificationClient.deletePushSubscription({ subscriptionId: id });
      } catch (e) {
        // Already gone (removed elsewhere, or its push service said so): as good as removed.
        if (ConnectError.from(e).code !== Code.NotFound) throw e;
      }
      if (here?.subscriptionId === id) await forgetThisBrowser();
    },
    onSuccess: (_, id) => {
      if (here?.subscriptionId === id) setFound(undefined);
      changeHeldSettings(qc, (old) => ({
        ...old,
        pushSubscriptions: old.pushSubscriptions.filter((b) => b.id !== id),
      }));
      setTestError(undefined);
      toast(here?.subscriptionId === id ? "Push is off in this browser" : "Browser removed");
    },
    onError: (e) => toastError("Could not remove the browser", describeError(e)),
  });

  const sendTest = useMutation({
    mutationFn: () => notificationClient.sendTestPush({}),
    onSuccess: (res) => {
      setTestError(undefined);
      toast("Test push sent", {
        description: `To ${res.browsers === 1 ? "1 browser" : `${res.browsers} browsers`}; it shows within a few seconds.`,
      });
    },
    onError: (e) => setTestError(describeError(e)),
  });

  return (
    <Section
      title="Push notifications"
      description="Your browsers show Porthole's pushes while no dashboard of yours is open, even with every Porthole tab closed, as long as the browser runs."
    >
      <div className="space-y-3 border-b border-zinc-100 px-5 py-4 dark:border-zinc-800">
        <ThisBrowserPush
          abilities={abilities}
          on={here !== undefined}
          full={browsers.length >= MAX_BROWSERS}
          turningOn={turnOn.isPending}
          turningOff={remove.isPending && remove.variables === here?.subscriptionId}
          onTurnOn={() => turnOn.mutate()}
          onTurnOff={() => here && remove.mutate(here.subscriptionId)}
        />
        <FormAlert>{turnOnError}</FormAlert>
      </div>
      <div className="px-5 py-4">
        <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          Browsers receiving your pushes
        </h3>
        {browsers.length === 0 ? (
          <p className="mt-2 text-[13px] text-zinc-500 dark:text-zinc-400">None yet.</p>
        ) : (
          <ul
            aria-label="Your browsers"
            className="mt-2 divide-y divide-zinc-100 dark:divide-zinc-800"
          >
            {browsers.map((b) => (
              <BrowserRow
                key={b.id}
                browser={b}
                here={b.id === here?.subscriptionId}
                removing={remove.isPending && remove.variables === b.id}
                onRemove={() => remove.mutate(b.id)}
              />
            ))}
          </ul>
        )}
        <div className="mt-4 flex flex-wrap items-center gap-3">
          <Button
            size="sm"
            loading={sendTest.isPending}
            disabled={browsers.length === 0}
            onClick={() => sendTest.mutate()}
          >
            {!sendTest.isPending && <Send className="size-3.5" />}
            Send a test
          </Button>
          {testError ? (
            <p role="alert" className="text-xs text-red-700 dark:text-red-400">
              {testError}
            </p>
          ) : (
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              Sent to every browser above, even while this dashboard is open. Signing out turns push
              off in this browser.
            </p>
          )}
        </div>
      </div>
    </Section>
  );
}

/** Whether this browser receives the member's pushes, and the button that changes it. */
function ThisBrowserPush({
  abilities,
  on,
  full,
  turningOn,
  turningOff,
  onTurnOn,
  onTurnOff,
}: {
  abilities: BrowserAbilities;
  on: boolean;
  full: boolean;
  turningOn: boolean;
  turningOff: boolean;
  onTurnOn: () => void;
  onTurnOff: () => void;
}) {
  const text = "text-[13px] text-zinc-600 dark:text-zinc-400";
  if (!abilities.pushSupported) {
    return (
      <p className={text}>
        <BellOff aria-hidden className="mr-1.5 inline size-4 align-[-3px] text-zinc-400" />
        This browser cannot receive push notifications: it has no service workers or Push API.
      </p>
    );
  }
  if (abilities.permission === "denied" && !on) {
    return (
      <p className={text}>
        <BellOff aria-hidden className="mr-1.5 inline size-4 align-[-3px] text-zinc-400" />
        Notifications are blocked for Porthole in this browser's site settings. Allow them there to
        turn push on in this browser.
      </p>
    );
  }
  if (on) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-[13px] font-medium text-zinc-800 dark:text-zinc-200">
          <Check aria-hidden className="mr-1.5 inline size-4 align-[-3px] text-emerald-600" />
          Push is on in this browser.
        </p>
        <Button size="sm" loading={turningOff} onClick={onTurnOff}>
          Turn off in this browser
        </Button>
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <p className={text}>Push is off in this browser.</p>
      <Button
        size="sm"
        variant="primary"
        loading={turningOn}
        disabled={full}
        title={full ? `At most ${MAX_BROWSERS} browsers; remove one first` : undefined}
        onClick={onTurnOn}
      >
        {!turningOn && <BellRing className="size-3.5" />}
        Turn on push in this browser
      </Button>
    </div>
  );
}

function BrowserRow({
  browser: b,
  here,
  removing,
  onRemove,
}: {
  browser: RegisteredBrowser;
  here: boolean;
  removing: boolean;
  onRemove: () => void;
}) {
  const name = b.label || "Unnamed browser";
  return (
    <li className="flex items-center gap-3 py-2.5">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-[13px] font-medium text-zinc-800 dark:text-zinc-200">
          <span className="break-words">{name}</span>
          {here && <Badge tone="brand">This browser</Badge>}
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {b.pushService && <>via {b.pushService} · </>}
          <span title={fullTime(b.createTime)}>added {ago(b.createTime)}</span>
        </p>
      </div>
      <Button
        size="sm"
        variant="danger-ghost"
        loading={removing}
        aria-label={`Remove ${name}`}
        onClick={onRemove}
      >
        {!removing && <Trash2 className="size-3.5" />}
        Remove
      </Button>
    </li>
  );
}
