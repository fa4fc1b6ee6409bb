//! The dashboard's Porthole clients: grpc-web to the server that serves the dashboard.
//!
//! Public AuthService calls (sign-up, log-in, refresh, log-out, invites) go over a transport
//! without credentials, so that a refresh never waits for itself. Every other call carries
//! the access token and, when the server refuses it, refreshes once and retries.

import {
  AuthService,
  BotService,
  CannedResponseService,
  Code,
  ConnectError,
  ConversationService,
  createClient,
  createPortholeTransport,
  type Interceptor,
  KnowledgeService,
  NotificationService,
  ReportService,
  RuleService,
  TeamService,
  WebhookService,
  WidgetService,
  WorkspaceService,
} from "@porthole/client";
import { SessionStore } from "./session";

const origin = typeof window !== "undefined" ? window.location.origin : "http://localhost";

const publicTransport = createPortholeTransport(origin);
export const publicAuthClient = createClient(AuthService, publicTransport);

export const session = new SessionStore(
  typeof localStorage !== "undefined" ? localStorage : memoryStorage(),
  async (refreshToken) => (await publicAuthClient.refreshSession({ refreshToken })).session,
);

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === null || event.key === "porthole.session") session.syncFromStorage();
  });
}

/** Retries a unary call once with a refreshed token when the server says UNAUTHENTICATED. */
const retryUnauthenticated: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (error) {
    const sent = req.header.get("authorization")?.replace(/^Bearer /, "");
    if (req.stream || !sent || ConnectError.from(error).code !== Code.Unauthenticated) {
      throw error;
    }
    const token = await session.refresh(sent);
    if (!token) throw error;
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  }
};

const transport = createPortholeTransport(origin, {
  getToken: () => session.accessToken(),
  interceptors: [retryUnauthenticated],
});

export const authClient = createClient(AuthService, transport);
export const workspaceClient = createClient(WorkspaceService, transport);
export const widgetClient = createClient(WidgetService, transport);
export const conversationClient = createClient(ConversationService, transport);
export const cannedClient = createClient(CannedResponseService, transport);
export const knowledgeClient = createClient(KnowledgeService, transport);
export const webhookClient = createClient(WebhookService, transport);
export const notificationClient = createClient(NotificationService, transport);
export const botClient = createClient(BotService, transport);
export const teamClient = createClient(TeamService, transport);
export const ruleClient = createClient(RuleService, transport);
export const reportClient = createClient(ReportService, transport);
