//! The webhooks screen's queries: the workspace's endpoints, and one endpoint's delivery log.
//! Neither is in the workspace feed; see each for when it is read again.

import { type WebhookDelivery, WebhookDeliveryState } from "@porthole/client";
import { type QueryClient, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { webhookClient } from "../lib/api";

/** Deliveries per page of a log. */
export const DELIVERY_PAGE_SIZE = 20;
/** How often an open log is read again while a delivery in it is pending. */
export const PENDING_POLL_MS = 5000;

/**
 * The endpoints (oldest first) and the event types they may subscribe to. Read when the
 * screen opens and when the window regains focus: the server disables failing endpoints
 * on its own.
 */
export function useWebhooks(enabled: boolean) {
  return useQuery({
    queryKey: keys.webhooks,
    queryFn: ({ signal }) => webhookClient.listWebhooks({}, { signal }),
    enabled,
    refetchOnMount: "always",
    refetchOnWindowFocus: "always",
  });
}

/** Whether any delivery held is still pending (so that the log is worth reading again). */
export function hasPending(deliveries: readonly WebhookDelivery[]): boolean {
  return deliveries.some((d) => d.state === WebhookDeliveryState.PENDING);
}

/**
 * One endpoint's deliveries, newest first, a page at a time. Attempts happen on the
 * server's time and are not in the feed: the open log is read again every
 * {@link PENDING_POLL_MS} while one of its deliveries is pending (only while the tab is
 * visible), on focus and on "Refresh".
 */
export function useWebhookDeliveries(webhookId: string) {
  return useInfiniteQuery({
    queryKey: keys.webhookDeliveries(webhookId),
    queryFn: ({ pageParam, signal }) =>
      webhookClient.listWebhookDeliveries(
        { webhookId, pageSize: DELIVERY_PAGE_SIZE, pageToken: pageParam },
        { signal },
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    refetchOnMount: "always",
    refetchOnWindowFocus: "always",
    refetchInterval: (query) =>
      hasPending(query.state.data?.pages.flatMap((p) => p.deliveries) ?? [])
        ? PENDING_POLL_MS
        : false,
  });
}

/** After a send: the log shows the new delivery, and the endpoint its new counts. */
export function deliveriesChanged(qc: QueryClient, webhookId: string): void {
  void qc.invalidateQueries({ queryKey: keys.webhookDeliveries(webhookId) });
}
