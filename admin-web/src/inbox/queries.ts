//! The inbox's queries: conversation lists by filter, whether there has been any
//! conversation at all, one conversation, its messages, the pages its visitor viewed, and
//! the members (for assignment).

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { conversationClient, workspaceClient } from "../lib/api";
import { fetchListPage, keys } from "./cache";
import {
  assigneeFilterFor,
  type InboxFilter,
  type ListData,
  type MessagesData,
  statusesFor,
} from "./model";

export function useConversationList(filter: InboxFilter) {
  const qc = useQueryClient();
  return useInfiniteQuery({
    queryKey: keys.list(filter),
    queryFn: ({ pageParam, signal }) =>
      fetchListPage(qc, filter, pageParam === "", () =>
        conversationClient.listConversations(
          {
            statuses: statusesFor(filter.status),
            assignee: assigneeFilterFor(filter.assignee),
            priority: filter.priority,
            widgetId: filter.widgetId,
            teamId: filter.teamId,
            query: filter.query.trim(),
            pageSize: 50,
            pageToken: pageParam,
          },
          { signal },
        ),
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    select: (data) => data as ListData,
  });
}

/**
 * Whether the workspace has had any conversation, in any state (one of them, fetched when
 * `enabled`: the empty inbox asks). The feed sets it when one is created (cache.ts).
 */
export function useAnyConversation(enabled: boolean) {
  return useQuery({
    queryKey: keys.anyConversation,
    queryFn: async ({ signal }) =>
      (await conversationClient.listConversations({ pageSize: 1 }, { signal })).conversations
        .length > 0,
    enabled,
    refetchOnMount: "always",
  });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: keys.conversation(id ?? ""),
    queryFn: ({ signal }) =>
      conversationClient.getConversation({ conversationId: id ?? "" }, { signal }),
    enabled: Boolean(id),
  });
}

/** The pages a visitor viewed, newest first, 20 at a time; the feed keeps it current. */
export function usePageViews(visitorId: string) {
  return useInfiniteQuery({
    queryKey: keys.pageViews(visitorId),
    queryFn: ({ pageParam, signal }) =>
      conversationClient.listVisitorPageViews(
        { visitorId, pageSize: 20, pageToken: pageParam },
        { signal },
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    enabled: Boolean(visitorId),
    // Feed events (`visitorChanged`, `visitorUpdated`) invalidate it when a page is viewed
    // (cache.ts).
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useMessages(id: string | undefined) {
  return useInfiniteQuery({
    queryKey: keys.messages(id ?? ""),
    queryFn: ({ pageParam, signal }) =>
      conversationClient.listConversationMessages(
        { conversationId: id ?? "", beforeSeq: pageParam, pageSize: 50 },
        { signal },
      ),
    initialPageParam: 0n,
    getNextPageParam: (last) =>
      last.hasMore && last.messages[0] ? last.messages[0].seq : undefined,
    enabled: Boolean(id),
    // Live updates come from the feed; a refetch would drop pending messages.
    staleTime: Number.POSITIVE_INFINITY,
    select: (data) => data as MessagesData,
  });
}

/** Members (for assignment and the team page); `fresh` refetches on every mount. */
export function useMembers(fresh = false) {
  return useQuery({
    queryKey: keys.members,
    queryFn: () => workspaceClient.listMembers({}),
    staleTime: 60_000,
    ...(fresh ? { refetchOnMount: "always" as const } : {}),
  });
}
