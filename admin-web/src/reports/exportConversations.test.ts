//! The conversation export reads every page, 1,000 rows at a time, in order, and stops on
//! Cancel, on an error, and on a page token the server hands out twice.

import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  ConversationFiguresSchema,
  ExportConversationsResponseSchema,
} from "@porthole/client";
import { expect, test, vi } from "vitest";
import { type ExportClient, readAllConversations } from "./exportConversations";

const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    create(ConversationFiguresSchema, { conversationId: `cnv_${from + i}` }),
  );

const scope = {
  fromDate: "2025-05-01",
  toDate: "2025-05-31",
  filter: { scope: { case: "widgetId" as const, value: "wgt_1" } },
};

test("every page in order, with progress, until the token is empty", async () => {
  const pages = [
    create(ExportConversationsResponseSchema, {
      conversations: rows(0, 1000),
      nextPageToken: "p2",
    }),
    create(ExportConversationsResponseSchema, {
      conversations: rows(1000, 1000),
      nextPageToken: "p3",
    }),
    create(ExportConversationsResponseSchema, { conversations: rows(2000, 5) }),
  ];
  const exportConversations = vi.fn(
    async () => pages.shift() ?? create(ExportConversationsResponseSchema),
  );
  const progress: number[] = [];
  const all = await readAllConversations({ exportConversations }, scope, {
    signal: new AbortController().signal,
    onPage: (n) => progress.push(n),
  });
  expect(all.map((r) => r.conversationId)).toEqual(rows(0, 2005).map((r) => r.conversationId));
  expect(progress).toEqual([1000, 2000, 2005]);
  expect(exportConversations.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
    { ...scope, pageSize: 1000, pageToken: "" },
    { ...scope, pageSize: 1000, pageToken: "p2" },
    { ...scope, pageSize: 1000, pageToken: "p3" },
  ]);
});

test("Cancel stops before the next page", async () => {
  const controller = new AbortController();
  const client: ExportClient = {
    exportConversations: vi.fn(async () => {
      controller.abort();
      return create(ExportConversationsResponseSchema, {
        conversations: rows(0, 1000),
        nextPageToken: "p2",
      });
    }),
  };
  await expect(
    readAllConversations(client, scope, { signal: controller.signal }),
  ).rejects.toThrow();
  expect(client.exportConversations).toHaveBeenCalledTimes(1);
});

test("an error stops the export and comes out as it was", async () => {
  const refused = new ConnectError("invalid page_token", Code.InvalidArgument);
  const client: ExportClient = {
    exportConversations: vi
      .fn()
      .mockResolvedValueOnce(
        create(ExportConversationsResponseSchema, {
          conversations: rows(0, 1000),
          nextPageToken: "p2",
        }),
      )
      .mockRejectedValueOnce(refused),
  };
  await expect(
    readAllConversations(client, scope, { signal: new AbortController().signal }),
  ).rejects.toBe(refused);
});

test("a token handed out twice stops the export instead of looping", async () => {
  const client: ExportClient = {
    exportConversations: vi.fn(async () =>
      create(ExportConversationsResponseSchema, {
        conversations: rows(0, 1),
        nextPageToken: "same",
      }),
    ),
  };
  await expect(
    readAllConversations(client, scope, { signal: new AbortController().signal }),
  ).rejects.toThrow("The server sent the same page twice");
  expect(client.exportConversations).toHaveBeenCalledTimes(2);
});
