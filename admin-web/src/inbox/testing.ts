//! Builders for inbox unit tests.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type Conversation,
  ConversationSchema,
  ConversationStatus,
  type ListConversationMessagesResponse,
  ListConversationMessagesResponseSchema,
  type ListConversationsResponse,
  ListConversationsResponseSchema,
  type Message,
  MessageSchema,
  SenderType,
} from "@porthole/client";

export function conversation(
  id: string,
  at: number,
  init: Partial<Omit<Conversation, "$typeName" | "$unknown">> = {},
): Conversation {
  return create(ConversationSchema, {
    id,
    visitorId: `vis_${id}`,
    visitorName: `Visitor ${id}`,
    status: ConversationStatus.PENDING,
    lastMessageTime: timestampFromMs(at),
    createTime: timestampFromMs(at),
    ...init,
  });
}

export function message(
  conversationId: string,
  seq: number,
  init: Partial<Omit<Message, "$typeName" | "$unknown">> = {},
): Message {
  return create(MessageSchema, {
    id: `msg_${conversationId}_${seq}`,
    conversationId,
    seq: BigInt(seq),
    senderType: SenderType.VISITOR,
    senderId: `vis_${conversationId}`,
    body: `message ${seq}`,
    clientKey: `key-${seq}`,
    createTime: timestampFromMs(1_000_000 + seq * 1000),
    ...init,
  });
}

export function page(conversations: Conversation[], nextPageToken = ""): ListConversationsResponse {
  return create(ListConversationsResponseSchema, { conversations, nextPageToken });
}

export function messagesPage(
  messages: Message[],
  hasMore: boolean,
): ListConversationMessagesResponse {
  return create(ListConversationMessagesResponseSchema, { messages, hasMore });
}
