//! The audit log (owners): the workspace's administrative actions, newest first: who did
//! what to which id and when, 50 at a time with "Load more". Read when opened; nothing
//! here is live.

import type { AuditEntry } from "@porthole/client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { ScrollText } from "lucide-react";
import { Button } from "../components/ui/Button";
import { FormAlert } from "../components/ui/Field";
import { EmptyState, Spinner } from "../components/ui/misc";
import { keys } from "../inbox/cache";
import { workspaceClient } from "../lib/api";
import { useIsOwner, useMe } from "../lib/auth";
import { describeError } from "../lib/errors";
import { ago, fullTime, toMillis } from "../lib/format";
import { PageHeader } from "../shell/PageHeader";
import { auditActionLabel, auditActorLabel } from "./audit";

const PAGE_SIZE = 50;

function useAuditLog(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.auditLog,
    queryFn: ({ pageParam, signal }) =>
      workspaceClient.listAuditLog({ pageSize: PAGE_SIZE, pageToken: pageParam }, { signal }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    enabled,
    // Not fed by the workspace feed: read again whenever the screen opens.
    refetchOnMount: "always",
  });
}

export function AuditLogScreen() {
  const me = useMe();
  const isOwner = useIsOwner();
  const log = useAuditLog(isOwner);
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="Audit log"
        description="Changes to members, invitations, widgets and the workspace, and every visitor export and erasure."
      />
      <div className="mx-auto max-w-4xl space-y-4 px-4 pb-10 sm:px-8">
        {me.data && !isOwner ? (
          <EmptyState
            icon={<ScrollText className="size-5" />}
            title="Only owners see the audit log"
          >
            Ask an owner of this workspace if you need to know who changed what.
          </EmptyState>
        ) : log.isPending ? (
          <div className="flex justify-center py-10">
            <Spinner />
          </div>
        ) : !log.data ? (
          <FormAlert>
            <span className="font-medium">The audit log could not be loaded.</span>{" "}
            {describeError(log.error)}
          </FormAlert>
        ) : entries.length === 0 ? (
          <section className="rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
            <EmptyState icon={<ScrollText className="size-5" />} title="Nothing recorded yet">
              Role changes, invitations, widget changes and visitor exports and erasures will be
              listed here.
            </EmptyState>
          </section>
        ) : (
          <>
            <AuditTable entries={entries} />
            {log.hasNextPage && (
              <div className="flex justify-center">
                <Button loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                  Load more
                </Button>
              </div>
            )}
            {log.isFetchNextPageError && (
              <FormAlert>
                <span className="font-medium">More entries could not be loaded.</span>{" "}
                {describeError(log.error)}
              </FormAlert>
            )}
          </>
        )}
      </div>
    </div>
  );
}

const headCell =
  "px-4 py-2.5 text-left text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400";
/**
 * On phones each row is a small card: the time, then "who what" as one line, then the
 * target and the detail; from `sm` up, a table.
 */
const tableCell = "sm:table-cell sm:px-4 sm:py-3 sm:align-top";
const cell = `block ${tableCell}`;
const inlineCell = `inline pr-1 ${tableCell}`;

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <section className="overflow-hidden rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="w-full text-[13px]" aria-label="Audit log">
        <thead className="hidden border-b border-zinc-100 bg-zinc-50/60 sm:table-header-group dark:border-zinc-800 dark:bg-zinc-900/60">
          <tr>
            <th scope="col" className={headCell}>
              When
            </th>
            <th scope="col" className={headCell}>
              Who
            </th>
            <th scope="col" className={headCell}>
              What
            </th>
            <th scope="col" className={headCell}>
              Target
            </th>
            <th scope="col" className={headCell}>
              Detail
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {entries.map((entry) => (
            <tr key={entry.id} className="block space-y-0.5 px-4 py-3 sm:table-row sm:p-0">
              <td
                className={`${cell} text-xs text-zinc-500 sm:text-[13px] sm:whitespace-nowrap dark:text-zinc-400`}
              >
                <time
                  dateTime={
                    entry.createTime
                      ? new Date(toMillis(entry.createTime)).toISOString()
                      : undefined
                  }
                  title={ago(entry.createTime)}
                >
                  {fullTime(entry.createTime)}
                </time>
              </td>
              <td className={`${inlineCell} font-medium text-zinc-800 dark:text-zinc-200`}>
                {auditActorLabel(entry)}
              </td>
              <td className={inlineCell}>
                <span className="text-zinc-800 sm:block dark:text-zinc-200">
                  {auditActionLabel(entry.action)}
                </span>{" "}
                <span className="font-mono text-[11px] text-zinc-400 sm:block">{entry.action}</span>
              </td>
              <td
                className={`${cell} font-mono text-xs break-all text-zinc-600 dark:text-zinc-400`}
              >
                {entry.targetId || "—"}
              </td>
              <td className={`${cell} break-words text-zinc-600 dark:text-zinc-400`}>
                {entry.detail || "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
