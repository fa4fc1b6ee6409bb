//! Sending replies and notes: shown at once (an optimistic copy in the query cache), sent
//! with a client key so that a retry never doubles them, and kept when sending fails.
//!
//! A send the server throttles (RESOURCE_EXHAUSTED, or UNAVAILABLE with `retry-after`; see
//! `throttleOf` in `@porthole/client/rules`) stays pending and says when it goes again, and
//! is sent once more after the server's `retry-after` (the normal backoff when it names
//! none). A second failure shows Retry, like any other.

import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  type Attachment,
  ConnectError,
  type Message,
  MessageSchema,
  SenderType,
} from "@porthole/client";
import { retryDelay, throttleOf } from "@porthole/client/rules";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { conversationClient } from "../lib/api";
import { useMe } from "../lib/auth";
import { describeError } from "../lib/errors";
import { newClientKey } from "../lib/ids";
import { keys } from "./cache";
import {
  dropPending,
  flattenMessages,
  isPending,
  type MessagesData,
  mergeMessage,
  PENDING_PREFIX,
} from "./model";

export interface Sender {
  /** Shows the message at once and sends it. */
  send: (body: string, internal: boolean, attachments: Attachment[]) => void;
  /** Sends a pending message again with its client key. */
  retry: (m: Message) => Promise<void>;
  /** Removes a pending message that will not be sent. */
  discard: (clientKey: string) => void;
  /** Client keys of messages whose last try failed. */
  failed: ReadonlySet<string>;
  /** Client keys of throttled messages, with the seconds until they go again. */
  waiting: ReadonlyMap<string, number>;
}

export function useSender(conversationId: string): Sender {
  const qc = useQueryClient();
  const me = useMe().data?.user;
  const [failed, setFailed] = useState<ReadonlySet<string>>(new Set());
  const [waiting, setWaiting] = useState<ReadonlyMap<string, number>>(new Map());
  const settle = useCallback((clientKey: string) => {
    setFailed((f) => (f.has(clientKey) ? new Set([...f].filter((k) => k !== clientKey)) : f));
    setWaiting((w) => (w.has(clientKey) ? new Map([...w].filter(([k]) => k !== clientKey)) : w));
  }, []);

  const write = useCallback(
    async function attempt(m: Message, afterThrottle = false): Promise<void> {
      settle(m.clientKey);
      try {
        const res = await conversationClient.sendConversationMessage({
          conversationId,
          body: m.body,
          internal: m.internal,
          clientKey: m.clientKey,
          attachmentIds: m.attachments.map((a) => a.id),
        });
        const sent = res.message;
        if (sent) {
          qc.setQueryData<MessagesData>(keys.messages(conversationId), (old) =>
            old ? mergeMessage(old, sent) : old,
          );
        }
      } catch (error) {
        const throttle = throttleOf(ConnectError.from(error));
        if (throttle.throttled && !afterThrottle) {
          const ms = retryDelay(throttle);
          setWaiting((w) => new Map(w).set(m.clientKey, Math.max(1, Math.ceil(ms / 1000))));
          await new Promise((resolve) => setTimeout(resolve, ms));
          // Unless it was discarded or has arrived through the feed meanwhile.
          const data = qc.getQueryData<MessagesData>(keys.messages(conversationId));
          const stillPending =
            !data || flattenMessages(data).some((x) => isPending(x) && x.clientKey === m.clientKey);
          if (stillPending) return attempt(m, true);
          settle(m.clientKey);
          return;
        }
        console.warn("send failed", describeError(error));
        settle(m.clientKey);
        setFailed((f) => new Set(f).add(m.clientKey));
      }
    },
    [conversationId, qc, settle],
  );

  const send = useCallback(
    (body: string, internal: boolean, attachments: Attachment[]) => {
      const clientKey = newClientKey();
      const pending = create(MessageSchema, {
        id: `${PENDING_PREFIX}${clientKey}`,
        conversationId,
        senderType: SenderType.AGENT,
        senderId: me?.id ?? "",
        senderName: me?.displayName ?? "",
        body,
        internal,
        attachments,
        clientKey,
        createTime: timestampNow(),
      });
      qc.setQueryData<MessagesData>(keys.messages(conversationId), (old) =>
        mergeMessage(old ?? { pages: [], pageParams: [] }, pending),
      );
      void write(pending);
    },
    [conversationId, me, qc, write],
  );

  const discard = useCallback(
    (clientKey: string) => {
      qc.setQueryData<MessagesData>(keys.messages(conversationId), (old) =>
        old ? dropPending(old, clientKey) : old,
      );
      settle(clientKey);
    },
    [conversationId, qc, settle],
  );

  return { send, retry: write, discard, failed, waiting };
}
