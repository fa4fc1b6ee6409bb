//! The agent side of the widget's end-to-end tests: the demo owner, logged in through the
//! generated TypeScript client, watching the workspace feed like an open dashboard (which
//! also makes the team "online" for the widget).

import {
  AuthService,
  ConversationService,
  createClient,
  createPortholeTransport,
  SenderType,
  type WatchWorkspaceResponse,
  WidgetService,
} from "@porthole/client";

export const demoLogin = { email: "demo@porthole.test", password: "porthole-demo" };

export async function agentFor(baseUrl: string) {
  let token = "";
  const transport = createPortholeTransport(baseUrl, { getToken: () => token || undefined });
  const auth = createClient(AuthService, transport);
  const session = (await auth.logIn({ ...demoLogin, workspaceId: "" })).session;
  token = session?.accessToken ?? "";
  const conversations = createClient(ConversationService, transport);
  const widgets = createClient(WidgetService, transport);
  const events: WatchWorkspaceResponse[] = [];
  let feed = new AbortController();

  async function watch() {
    feed = new AbortController();
    const signal = feed.signal;
    void (async () => {
      try {
        for await (const event of conversations.watchWorkspace({ cursor: "" }, { signal })) {
          events.push(event);
        }
      } catch {
        // Aborted, or the server went away (the test restarts it deliberately).
      }
    })();
  }
  await watch();

  return {
    userId: session?.user?.id ?? "",
    conversations,
    widgets,
    events,
    /** Reopens the feed (after a server restart). */
    watch,
    /** Closes the feed, as when the dashboard is closed. */
    unwatch: () => feed.abort(),
    async reply(conversationId: string, body: string) {
      return conversations.sendConversationMessage({
        conversationId,
        body,
        clientKey: crypto.randomUUID(),
        senderType: SenderType.AGENT,
      });
    },
    async visitorMessages(conversationId: string) {
      const page = await conversations.listConversationMessages({ conversationId, pageSize: 200 });
      return page.messages;
    },
  };
}

export type Agent = Awaited<ReturnType<typeof agentFor>>;
