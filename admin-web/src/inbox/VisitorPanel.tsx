//! The visitor beside the conversation: who they are, where they are right now and the
//! pages they viewed (live from the feed), their device, custom attributes and earlier
//! conversations; for owners and admins, the privacy actions (export, erase).

import type { Conversation, VisitorProfile } from "@porthole/client";
import { useQuery } from "@tanstack/react-query";
import { BadgeCheck, ExternalLink, Globe, Mail, X } from "lucide-react";
import { type ReactNode, useEffect, useState } from "react";
import { Link, useLocation } from "react-router";
import { Button, IconButton } from "../components/ui/Button";
import { Avatar, Badge } from "../components/ui/misc";
import { conversationClient } from "../lib/api";
import { useIsAdmin } from "../lib/auth";
import { ago, fullTime, shortAgo, statusLabel, toMillis, visitorLabel } from "../lib/format";
import { locationLabel } from "../visitors/location";
import { keys } from "./cache";
import { flattenPageViews, pageViewTitle, stripScheme } from "./pageViews";
import { usePageViews } from "./queries";
import { VisitorPrivacy } from "./VisitorPrivacy";

function Row({ label, children }: { label: string; children: ReactNode }) {
  if (children === "" || children === undefined || children === null) return null;
  return (
    <div className="grid grid-cols-[96px_1fr] gap-2 py-1 text-[13px]">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words text-zinc-800 dark:text-zinc-200">{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="border-t border-zinc-100 px-4 py-3 dark:border-zinc-800">
      <h3 className="mb-1.5 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">
        {title}
      </h3>
      {children}
    </section>
  );
}

export function VisitorPanel({
  conversation,
  visitor,
  onClose,
}: {
  conversation: Conversation | undefined;
  visitor: VisitorProfile | undefined;
  onClose: () => void;
}) {
  const isAdmin = useIsAdmin();
  if (!conversation || !visitor) {
    return <div className="m-4 h-40 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900" />;
  }
  const name = visitorLabel(conversation);
  const attributes = Object.entries(visitor.attributes);
  // Empty without the server's location database or for an unknown address: no row then.
  const location = locationLabel(visitor);
  return (
    <div className="pb-6">
      <div className="flex items-center justify-between px-4 pt-3 xl:hidden">
        <span className="text-sm font-semibold">Visitor</span>
        <IconButton label="Close visitor details" size="sm" onClick={onClose}>
          <X className="size-4" />
        </IconButton>
      </div>
      <div className="flex flex-col items-center px-4 pt-5 pb-4 text-center">
        <Avatar name={name} seed={visitor.id} size="lg" online={visitor.online} />
        <p className="mt-2 flex items-center gap-1 text-sm font-semibold">
          {name}
          {visitor.verified && (
            <BadgeCheck
              className="size-4 text-brand-600"
              aria-label="Identity verified by the site"
            />
          )}
        </p>
        {visitor.email && (
          <a
            href={`mailto:${visitor.email}`}
            className="mt-0.5 inline-flex items-center gap-1 text-xs text-zinc-500 hover:text-brand-600"
          >
            <Mail className="size-3" /> {visitor.email}
          </a>
        )}
        <p className="mt-1.5 text-xs">
          {visitor.online ? (
            <Badge tone="green">Online now</Badge>
          ) : (
            <span className="text-zinc-400">Last seen {ago(visitor.lastSeenTime)}</span>
          )}
        </p>
      </div>
      <Section title="Current page">
        {visitor.currentUrl ? (
          <a
            href={visitor.currentUrl}
            target="_blank"
            rel="noopener noreferrer"
            className="group flex items-start gap-2 rounded-lg bg-zinc-50 p-2 text-[13px] hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800"
            data-testid="current-page"
          >
            <Globe className="mt-0.5 size-3.5 shrink-0 text-zinc-400" />
            <span className="min-w-0">
              <span className="block truncate font-medium">
                {visitor.currentTitle || visitor.currentUrl}
              </span>
              <span className="block truncate text-xs text-zinc-500">{visitor.currentUrl}</span>
            </span>
            <ExternalLink className="ml-auto size-3 shrink-0 text-zinc-400 opacity-0 group-hover:opacity-100" />
          </a>
        ) : (
          <p className="text-[13px] text-zinc-400">Unknown</p>
        )}
      </Section>
      <PagesViewed visitorId={visitor.id} />
      <Section title="Details">
        <dl>
          <Row label="Location">
            {location && <span data-testid="visitor-location">{location}</span>}
          </Row>
          <Row label="Browser">{visitor.browser}</Row>
          <Row label="OS">{visitor.os}</Row>
          <Row label="Language">{visitor.language}</Row>
          <Row label="Time zone">{visitor.timeZone}</Row>
          <Row label="IP address">{visitor.ipAddress}</Row>
          <Row label="Page views">{String(visitor.pageViews)}</Row>
          <Row label="Referrer">{visitor.referrer}</Row>
          <Row label="Visit started">
            {visitor.visitStartTime ? fullTime(visitor.visitStartTime) : ""}
          </Row>
          <Row label="First seen">{fullTime(visitor.firstSeenTime)}</Row>
          <Row label="Last seen">{fullTime(visitor.lastSeenTime)}</Row>
          <Row label="User id">{visitor.externalId}</Row>
        </dl>
      </Section>
      {attributes.length > 0 && (
        <Section title="Attributes">
          <dl>
            {attributes.map(([k, v]) => (
              <Row key={k} label={k}>
                {v}
              </Row>
            ))}
          </dl>
        </Section>
      )}
      <Section title="Conversation">
        <dl>
          <Row label="Started">{fullTime(conversation.createTime)}</Row>
          <Row label="First reply">
            {conversation.firstResponseTime ? fullTime(conversation.firstResponseTime) : "Not yet"}
          </Row>
          {conversation.queuePosition > 0 && <Row label="Queue">#{conversation.queuePosition}</Row>}
          <Row label="Tags">{conversation.tags.join(", ")}</Row>
        </dl>
      </Section>
      <PastConversations conversation={conversation} visitor={visitor} />
      {isAdmin && (
        <Section title="Privacy">
          <VisitorPrivacy visitor={visitor} name={name} />
        </Section>
      )}
    </div>
  );
}

/** The current time, every 30 s, so relative times stay true while the panel is open. */
function useMinuteNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Placeholder rows as tall as real ones, so the list does not jump when it arrives. */
function PageViewSkeleton() {
  return (
    <div aria-hidden className="flex h-11 items-center gap-2 px-2">
      <span className="h-3 flex-1 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
      <span className="h-3 w-10 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
    </div>
  );
}

/**
 * The pages the visitor viewed, newest first. The feed's `visitorChanged` event refetches
 * it when they open another page (cache.ts); "Show more" pages back through the server's
 * last 100.
 */
function PagesViewed({ visitorId }: { visitorId: string }) {
  const pages = usePageViews(visitorId);
  const now = useMinuteNow();
  const items = flattenPageViews(pages.data?.pages);
  return (
    <Section title="Pages viewed">
      {pages.isPending ? (
        <div role="status" aria-label="Loading pages viewed">
          <PageViewSkeleton />
          <PageViewSkeleton />
          <PageViewSkeleton />
        </div>
      ) : pages.isError ? (
        <p className="flex h-11 items-center gap-2 text-[13px] text-zinc-500 dark:text-zinc-400">
          Pages could not be loaded.
          <button
            type="button"
            className="font-medium text-brand-600 hover:underline"
            onClick={() => void pages.refetch()}
          >
            Try again
          </button>
        </p>
      ) : items.length === 0 ? (
        <p className="flex h-11 items-center text-[13px] text-zinc-400">No pages recorded yet</p>
      ) : (
        <>
          <ol aria-label="Pages viewed" className="-mx-2">
            {items.map(({ key, view }) => (
              <li key={key}>
                <a
                  href={view.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  title={view.url}
                  className="group flex h-11 items-center gap-2 rounded-md px-2 text-[13px] hover:bg-zinc-50 dark:hover:bg-zinc-900"
                >
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-zinc-800 dark:text-zinc-200">
                      {pageViewTitle(view)}
                    </span>
                    <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">
                      {stripScheme(view.url)}
                    </span>
                  </span>
                  <time
                    className="shrink-0 text-xs text-zinc-400 tabular-nums"
                    dateTime={
                      view.viewTime ? new Date(toMillis(view.viewTime)).toISOString() : undefined
                    }
                    title={fullTime(view.viewTime)}
                  >
                    {ago(view.viewTime, now)}
                  </time>
                </a>
              </li>
            ))}
          </ol>
          {pages.hasNextPage && (
            <Button
              size="sm"
              variant="ghost"
              className="mt-1 w-full"
              loading={pages.isFetchingNextPage}
              onClick={() => void pages.fetchNextPage()}
            >
              Show more
            </Button>
          )}
        </>
      )}
    </Section>
  );
}

/**
 * Earlier conversations of the visitor. The API has no visitor filter yet, so this searches
 * by e-mail (or name) and keeps the visitor's own conversations.
 */
function PastConversations({
  conversation,
  visitor,
}: {
  conversation: Conversation;
  visitor: VisitorProfile;
}) {
  const location = useLocation();
  const needle = visitor.email || visitor.name;
  const past = useQuery({
    queryKey: keys.visitorHistory(visitor.id),
    queryFn: () => conversationClient.listConversations({ query: needle, pageSize: 50 }),
    enabled: Boolean(needle),
    staleTime: 60_000,
    select: (res) =>
      res.conversations.filter((c) => c.visitorId === visitor.id && c.id !== conversation.id),
  });
  if (!needle || !past.data || past.data.length === 0) return null;
  return (
    <Section title="Past conversations">
      <ul className="space-y-1">
        {past.data.map((c) => (
          <li key={c.id}>
            <Link
              to={`/inbox/${c.id}${location.search}`}
              className="block rounded-md px-2 py-1.5 text-[13px] hover:bg-zinc-50 dark:hover:bg-zinc-900"
            >
              <span className="flex items-center justify-between gap-2 text-xs text-zinc-500">
                <span>{statusLabel[c.status]}</span>
                <span>{shortAgo(c.lastMessageTime)}</span>
              </span>
              <span className="line-clamp-1">{c.lastMessagePreview || "No messages"}</span>
            </Link>
          </li>
        ))}
      </ul>
    </Section>
  );
}
