//! Live visitors: who is on the workspace's sites right now, on which page, for how long
//! (time on site in the current visit), through which widget; kept current by the workspace feed (cache.ts), never polled. An
//! agent can write first: the message starts (or continues) a conversation assigned to
//! them and pops up in the visitor's widget. While no widget has been seen on a site yet, the
//! empty list says how to get it there.

import type { VisitorProfile } from "@porthole/client";
import { maxBodyChars } from "@porthole/client/rules";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MessageSquarePlus, Radar } from "lucide-react";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";
import { Button } from "../components/ui/Button";
import { Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Textarea } from "../components/ui/Field";
import { Avatar, Badge, EmptyState, Spinner } from "../components/ui/misc";
import { toast } from "../components/ui/Toast";
import { keys, upsertConversation } from "../inbox/cache";
import { conversationClient } from "../lib/api";
import { useIsAdmin, useMe } from "../lib/auth";
import { formErrors } from "../lib/errors";
import { fullTime, visitorLabel } from "../lib/format";
import { newClientKey } from "../lib/ids";
import { useSetupProgress } from "../setup/queries";
import { setupWidget } from "../setup/steps";
import { PageHeader } from "../shell/PageHeader";
import { useWidgets } from "../widgets/queries";
import { isReturning, pageLabel, sinceFirstSeen, timeOnSite } from "./live";
import { locationLabel } from "./location";

function useLiveVisitors() {
  return useQuery({
    queryKey: keys.liveVisitors,
    queryFn: ({ signal }) => conversationClient.listLiveVisitors({ pageSize: 200 }, { signal }),
    // The feed keeps the cached list current while the dashboard is open.
    refetchOnMount: "always",
  });
}

/** The current time, once a second, for the ticking durations. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function nameOf(v: VisitorProfile): string {
  return visitorLabel({ visitorName: v.name, visitorEmail: v.email, visitorId: v.id });
}

export function LiveVisitorsScreen() {
  const live = useLiveVisitors();
  const widgets = useWidgets().data?.widgets;
  const widgetNames = useMemo(() => new Map((widgets ?? []).map((w) => [w.id, w.name])), [widgets]);
  const [messaging, setMessaging] = useState<VisitorProfile>();
  const visitors = live.data?.visitors ?? [];
  const now = useNow();

  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Live visitors
            {visitors.length > 0 && (
              <Badge tone="green" className="tabular-nums">
                {visitors.length} online
              </Badge>
            )}
          </span>
        }
        description="People on your sites right now. The list updates by itself."
      />
      <div className="mx-auto max-w-4xl px-4 pb-10 sm:px-8">
        <section className="overflow-hidden rounded-xl ring-1 ring-zinc-200 dark:ring-zinc-800">
          {live.isPending ? (
            <div className="flex justify-center py-10">
              <Spinner />
            </div>
          ) : live.isError ? (
            <EmptyState title="Live visitors could not be loaded">
              <button
                type="button"
                className="font-medium text-brand-600"
                onClick={() => void live.refetch()}
              >
                Try again
              </button>
            </EmptyState>
          ) : visitors.length === 0 ? (
            <EmptyState icon={<Radar className="size-5" />} title="No one is on your sites now">
              Visitors appear here the moment a page with your widget opens, and leave about a
              minute after they close it.
              <NotSeenYet />
            </EmptyState>
          ) : (
            <ul
              className="divide-y divide-zinc-100 dark:divide-zinc-800"
              aria-label="Live visitors"
            >
              {visitors.map((v) => (
                <VisitorRow
                  key={v.id}
                  visitor={v}
                  now={now}
                  widgetName={widgetNames.get(v.widgetId)}
                  onMessage={() => setMessaging(v)}
                />
              ))}
            </ul>
          )}
        </section>
        <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
          “On site” counts from the start of the visitor’s current visit; a visit ends after 30
          minutes without activity. Returning visitors also show when this browser was first seen.
        </p>
      </div>
      <MessageDialog visitor={messaging} onClose={() => setMessaging(undefined)} />
    </div>
  );
}

function VisitorRow({
  visitor: v,
  now,
  widgetName,
  onMessage,
}: {
  visitor: VisitorProfile;
  now: number;
  widgetName: string | undefined;
  onMessage: () => void;
}) {
  const name = nameOf(v);
  const device = [v.browser, v.os, v.pageViews > 1n ? `${v.pageViews} pages` : ""]
    .filter(Boolean)
    .join(" · ");
  const location = locationLabel(v);
  return (
    <li
      aria-label={name}
      className="flex flex-col gap-3 bg-white px-5 py-3.5 sm:flex-row sm:items-center dark:bg-zinc-900"
    >
      <div className="flex min-w-0 items-center gap-3 sm:w-56 sm:shrink-0">
        <Avatar name={name} seed={v.id} online />
        <div className="min-w-0">
          <p className="truncate text-sm font-medium">{name}</p>
          <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">
            {device || "Unknown browser"}
          </p>
          {location && (
            <p
              className="truncate text-xs text-zinc-500 dark:text-zinc-400"
              data-testid="visitor-location"
              title={v.ipAddress}
            >
              {location}
            </p>
          )}
        </div>
      </div>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm" data-testid="visitor-page" title={v.currentTitle}>
          {pageLabel(v)}
        </p>
        {v.currentUrl && (
          <a
            href={v.currentUrl}
            target="_blank"
            rel="noreferrer noopener"
            className="block truncate text-xs text-zinc-500 hover:text-brand-600 hover:underline dark:text-zinc-400"
          >
            {v.currentUrl}
          </a>
        )}
      </div>
      <div className="flex items-center justify-between gap-4 sm:justify-end">
        <div className="min-w-0 text-xs text-zinc-500 sm:w-40 sm:text-right dark:text-zinc-400">
          <p className="truncate" title="Widget">
            {widgetName ?? "Widget"}
          </p>
          <p
            className="tabular-nums"
            title={`Visit started ${fullTime(v.visitStartTime)} · first seen ${fullTime(v.firstSeenTime)}`}
          >
            On site {timeOnSite(v, now)}
          </p>
          {isReturning(v) && (
            <p className="truncate tabular-nums" title={fullTime(v.firstSeenTime)}>
              First seen {sinceFirstSeen(v, now)} ago
            </p>
          )}
        </div>
        <Button size="sm" onClick={onMessage} aria-label={`Message ${name}`}>
          <MessageSquarePlus className="size-3.5" /> Message
        </Button>
      </div>
    </li>
  );
}

function MessageDialog({
  visitor,
  onClose,
}: {
  visitor: VisitorProfile | undefined;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const meId = useMe().data?.user?.id ?? "";
  const [body, setBody] = useState("");
  // One key per message written, so a retried send does not post it twice.
  const [clientKey, setClientKey] = useState(newClientKey);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const start = useMutation({
    mutationFn: () =>
      conversationClient.startVisitorConversation({
        visitorId: visitor?.id ?? "",
        body: body.trim(),
        clientKey,
      }),
    onSuccess: (res) => {
      const conversation = res.conversation;
      if (!conversation) return;
      upsertConversation(qc, conversation, meId);
      close();
      if (res.resumed) toast("Added to their open conversation");
      navigate(`/inbox/${conversation.id}`);
    },
    onError: (e) => setErrors(formErrors(e)),
  });
  const close = () => {
    onClose();
    setBody("");
    setClientKey(newClientKey());
    setErrors({ fields: {} });
  };
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!body.trim() || start.isPending) return;
    setErrors({ fields: {} });
    start.mutate();
  };
  const name = visitor ? nameOf(visitor) : "";
  return (
    <Dialog
      open={Boolean(visitor)}
      onOpenChange={(open) => !open && close()}
      title={`Message ${name}`}
      description={
        visitor
          ? `They are on ${pageLabel(visitor)}. Your message pops up in their chat widget, and the conversation is assigned to you.`
          : undefined
      }
    >
      <form onSubmit={submit} className="space-y-4">
        <Field label="Message" error={errors.fields.body}>
          {(props) => (
            <Textarea
              {...props}
              rows={4}
              autoFocus
              value={body}
              maxLength={maxBodyChars}
              placeholder="Hi! Can I help you find anything?"
              onChange={(e) => setBody(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit();
              }}
            />
          )}
        </Field>
        <FormAlert>
          {errors.form ?? Object.entries(errors.fields).find(([field]) => field !== "body")?.[1]}
        </FormAlert>
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" loading={start.isPending} disabled={!body.trim()}>
            Send message
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** While no widget has been seen on a site: why the list stays empty, and what to do. */
function NotSeenYet() {
  const progress = useSetupProgress().data;
  const widgets = useWidgets().data?.widgets;
  const isAdmin = useIsAdmin();
  if (!progress || progress.widgetSeen || !widgets) return null;
  const widget = setupWidget(widgets);
  const link = "font-medium text-brand-600 hover:underline dark:text-brand-400";
  return (
    <p className="mt-3" data-testid="visitors-not-seen">
      Your widget has not been seen on your site yet.{" "}
      {!isAdmin ? (
        "Ask an owner or admin to install its snippet."
      ) : widget ? (
        <Link to={`/widgets/${widget.id}?section=install`} className={link}>
          Install the snippet
        </Link>
      ) : (
        <Link to="/widgets?new=1" className={link}>
          Create your widget
        </Link>
      )}
    </p>
  );
}
