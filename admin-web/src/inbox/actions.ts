//! Conversation actions (assign, send to a team, priority, tags, resolve, close, reopen, read),
//! each writing the server's answer into the cache at once instead of waiting for the feed.

import type { Conversation, Priority } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast, toastError } from "../components/ui/Toast";
import { conversationClient } from "../lib/api";
import { useMe } from "../lib/auth";
import { describeError } from "../lib/errors";
import { findConversation, upsertConversation } from "./cache";
import { applyRead } from "./model";

export function useConversationActions(conversationId: string) {
  const qc = useQueryClient();
  const meId = useMe().data?.user?.id ?? "";
  const done = (res: { conversation?: Conversation }) => {
    if (res.conversation) upsertConversation(qc, res.conversation, meId);
  };
  const failed = (what: string) => (error: unknown) =>
    toastError(`Could not ${what}`, describeError(error));
  const id = { conversationId };

  return {
    assign: useMutation({
      mutationFn: (assigneeUserId: string) =>
        conversationClient.assignConversation({ ...id, assigneeUserId }),
      onSuccess: done,
      onError: failed("assign the conversation"),
    }),
    /** To a team (`tem_…`) or, with "", to everyone: the server unassigns and queues it. */
    team: useMutation({
      mutationFn: (teamId: string) => conversationClient.setConversationTeam({ ...id, teamId }),
      onSuccess: done,
      onError: failed("send the conversation to the team"),
    }),
    priority: useMutation({
      mutationFn: (priority: Priority) =>
        conversationClient.setConversationPriority({ ...id, priority }),
      onSuccess: done,
      onError: failed("change the priority"),
    }),
    tags: useMutation({
      mutationFn: (tags: string[]) => conversationClient.setConversationTags({ ...id, tags }),
      onSuccess: done,
      onError: failed("change the tags"),
    }),
    resolve: useMutation({
      mutationFn: () => conversationClient.resolveConversation(id),
      onSuccess: (res) => {
        done(res);
        toast("Conversation resolved");
      },
      onError: failed("resolve the conversation"),
    }),
    close: useMutation({
      mutationFn: () => conversationClient.closeConversation(id),
      onSuccess: done,
      onError: failed("close the conversation"),
    }),
    reopen: useMutation({
      mutationFn: () => conversationClient.reopenConversation(id),
      onSuccess: done,
      onError: failed("reopen the conversation"),
    }),
    markRead: useMutation({
      mutationFn: (seq: bigint) => conversationClient.markConversationRead({ ...id, seq }),
      onMutate: (seq) => {
        const c = findConversation(qc, conversationId);
        if (c) upsertConversation(qc, applyRead(c, seq), meId);
      },
    }),
  };
}
