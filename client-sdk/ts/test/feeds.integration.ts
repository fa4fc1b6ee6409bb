/// <reference types="node" />
//! The resumable feeds against the real server, in Node: a member's WatchWorkspace and a
//! visitor's WatchVisitorFeed, cut by a network drop (open responses aborted, then fetch
//! failing for a while) and by a server restart, resume from their cursors and deliver
//! every message exactly once, in order, without starting over.
//!
//! Needs the server binary in PORTHOLE_BIN; skipped with a message when it is unset.

import {
  AuthService,
  ConversationService,
  createClient,
  createPortholeTransport,
  createVisitorFeed,
  createWorkspaceFeed,
  type FeedStatus,
  type Message,
  SenderType,
  VisitorService,
  WidgetService,
} from "@porthole/client";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type PortholeServer, startPorthole } from "./server.js";

const bin = process.env.PORTHOLE_BIN;
if (!bin) {
  console.warn(
    "PORTHOLE_BIN is unset: skipping the integration tests against the real server " +
      "(set it to a built porthole binary, e.g. target/debug/porthole)",
  );
}

/**
 * A network the test can break: `cut()` aborts every response still open (as a dropped
 * connection does) and while `offline` every request fails before it reaches the server.
 */
function breakableNetwork() {
  const open = new Set<AbortController>();
  const network = {
    offline: false,
    fetch: (async (input, init) => {
      if (network.offline) throw new TypeError("fetch failed: the network is down (test)");
      const cut = new AbortController();
      open.add(cut);
      const signal = init?.signal ? AbortSignal.any([init.signal, cut.signal]) : cut.signal;
      return fetch(input, { ...init, signal });
    }) as typeof fetch,
    cut: () => {
      for (const controller of open) controller.abort();
      open.clear();
    },
  };
  return network;
}

/** What a feed delivered, and what it went through. */
function recorder() {
  return {
    messages: [] as Message[],
    /** Cursors of the stored events delivered (typing events repeat a cursor, so not them). */
    cursors: [] as number[],
    statuses: [] as FeedStatus[],
    resets: 0,
  };
}

/** A line the server writes into the transcript (an internal system message). */
function isLine(message: Message): boolean {
  return message.senderType === SenderType.SYSTEM && message.internal;
}

describe.skipIf(!bin)("resumable feeds against the real server", () => {
  let server: PortholeServer;

  beforeAll(async () => {
    server = await startPorthole(bin ?? "");
  });
  afterAll(async () => {
    await server?.dispose();
  });

  test("a cut network and a server restart lose and repeat nothing", async () => {
    const url = server.url;
    const network = breakableNetwork();

    // The owner signs up and creates a widget; a visitor starts a session on it.
    const auth = createClient(AuthService, createPortholeTransport(url));
    const { session } = await auth.signUp({
      email: "owner@example.com",
      password: "integration test pw",
      displayName: "Olivia Owner",
      workspaceName: "Integration Inc",
    });
    const accessToken = session?.accessToken ?? "";
    expect(accessToken).not.toBe("");
    const member = createPortholeTransport(url, { getToken: () => accessToken });
    const { widget } = await createClient(WidgetService, member).createWidget({ name: "Site" });
    const visitorApi = createClient(VisitorService, createPortholeTransport(url));
    const { visitorToken } = await visitorApi.startSession({
      widgetToken: widget?.publicToken ?? "",
    });

    // Writers use the healthy network; the feeds use the breakable one.
    const visitor = createClient(
      VisitorService,
      createPortholeTransport(url, { getToken: () => visitorToken }),
    );
    const agent = createClient(ConversationService, member);

    const agentSeen = recorder();
    const agentFeed = createWorkspaceFeed(
      createClient(
        ConversationService,
        createPortholeTransport(url, { getToken: () => accessToken, fetch: network.fetch }),
      ),
      {
        onEvent: (item) => {
          // Messages only, not the transcript's lines (routing writes "Assigned to …").
          if (item.event.case === "messageCreated" && !isLine(item.event.value)) {
            agentSeen.messages.push(item.event.value);
          }
          if (item.event.case !== "typing") agentSeen.cursors.push(Number(item.cursor));
        },
        onReset: () => {
          agentSeen.resets += 1;
        },
        onStatus: (status) => agentSeen.statuses.push(status),
        backoff: () => 200,
      },
    );
    const visitorSeen = recorder();
    const visitorFeed = createVisitorFeed(
      createClient(
        VisitorService,
        createPortholeTransport(url, { getToken: () => visitorToken, fetch: network.fetch }),
      ),
      {
        onEvent: (item) => {
          if (item.event.case === "messageCreated") visitorSeen.messages.push(item.event.value);
          if (item.event.case !== "typing") visitorSeen.cursors.push(Number(item.cursor));
        },
        onReset: () => {
          visitorSeen.resets += 1;
        },
        onStatus: (status) => visitorSeen.statuses.push(status),
        backoff: () => 200,
      },
    );
    agentFeed.start();
    visitorFeed.start();
    await vi.waitFor(() => {
      expect(agentFeed.currentStatus).toBe("live");
      expect(visitorFeed.currentStatus).toBe("live");
    });

    const { conversation } = await visitor.startConversation({});
    const conversationId = conversation?.id ?? "";
    const sent: Message[] = [];
    let n = 0;
    /** The visitor writes `count` messages and the agent answers once, one after another. */
    const chat = async (count: number) => {
      for (let i = 0; i < count; i++) {
        n += 1;
        const reply = await visitor.sendMessage({
          conversationId,
          body: `visitor ${n}`,
          clientKey: `v-${n}`,
        });
        if (reply.message) sent.push(reply.message);
      }
      n += 1;
      const answer = await agent.sendConversationMessage({
        conversationId,
        body: `agent ${n}`,
        clientKey: `a-${n}`,
      });
      if (answer.message) sent.push(answer.message);
    };
    /** Both feeds have delivered exactly what was sent so far, in order. */
    const caughtUp = () =>
      vi.waitFor(
        () => {
          const ids = sent.map((m) => m.id);
          expect(agentSeen.messages.map((m) => m.id)).toEqual(ids);
          expect(visitorSeen.messages.map((m) => m.id)).toEqual(ids);
        },
        { timeout: 20_000, interval: 50 },
      );

    // Live.
    await chat(3);
    await caughtUp();

    // The network drops: open streams are cut and reconnects fail while messages are written.
    const beforeCut = agentFeed.lastCursor;
    network.offline = true;
    network.cut();
    await vi.waitFor(() => expect(agentFeed.currentStatus).toBe("reconnecting"));
    await chat(3);
    await new Promise((r) => setTimeout(r, 500));
    expect(agentSeen.messages).toHaveLength(4);
    network.offline = false;
    await caughtUp();
    expect(Number(agentFeed.lastCursor)).toBeGreaterThan(Number(beforeCut));

    // The server restarts: the feeds' streams end, reconnects are refused until it is back,
    // and what is written after the restart arrives replayed or live, once.
    await server.stop();
    await vi.waitFor(() => {
      expect(agentFeed.currentStatus).toBe("reconnecting");
      expect(visitorFeed.currentStatus).toBe("reconnecting");
    });
    await server.start();
    await chat(2);
    await caughtUp();
    await vi.waitFor(() => {
      expect(agentFeed.currentStatus).toBe("live");
      expect(visitorFeed.currentStatus).toBe("live");
    });
    // And live again after the restart.
    await chat(1);
    await caughtUp();

    agentFeed.stop();
    visitorFeed.stop();
    for (const seen of [agentSeen, visitorSeen]) {
      // Resumed every time: the only start from "now" was the first.
      expect(seen.resets).toBe(1);
      expect(seen.statuses.filter((s) => s === "reconnecting").length).toBeGreaterThanOrEqual(2);
      // Stored events came in log order, none twice.
      for (let i = 1; i < seen.cursors.length; i++) {
        expect(seen.cursors[i], `event ${i} after ${seen.cursors[i - 1]}`).toBeGreaterThan(
          seen.cursors[i - 1] ?? 0,
        );
      }
    }
    expect(sent.map((m) => m.body)).toEqual([
      ...["visitor 1", "visitor 2", "visitor 3", "agent 4"],
      ...["visitor 5", "visitor 6", "visitor 7", "agent 8"],
      ...["visitor 9", "visitor 10", "agent 11", "visitor 12", "agent 13"],
    ]);
  });
});
