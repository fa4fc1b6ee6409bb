//! The visitor's side of a chat: the session with the server (token kept across reloads
//! and tabs), the conversation, the live feed (the shared resumable feed: reconnect, resume,
//! idle watchdog), sending with retries, typing, read marks, uploads, page views and
//! heartbeats, the transcript by e-mail, and the conversation lifecycle: a message refused
//! because its conversation has ended for good (closed, or resolved longer ago than the
//! widget's quiet period) goes into a new conversation by itself, the visitor can start a new
//! one once the current one has ended, and the list of their conversations opens earlier
//! ones (read only once ended). While the AI bot writes, its answer so far arrives in typing
//! events and is kept as a draft until the stored message replaces it (`visibleDraft`). The
//! widget's configuration (who answers now) is read at boot, every 30 s with the heartbeat,
//! and again when the bot hands the conversation to the team; while nobody answers, the
//! visitor may leave an address for the answer (UpdateVisitor). Automation: a proactive
//! message (a page-visit rule) opens the panel on a matching page after its time, and a
//! workflow widget shows its guided flow's opening, both before any conversation exists
//! (`prompts`); the visitor's answer starts the conversation (with the rule's id), and the
//! server's copy of those messages takes their place. It holds the state the view renders
//! and calls `changed()` after every change; it never touches the DOM.
//!
//! When the server throttles a call (RESOURCE_EXHAUSTED, or UNAVAILABLE with `retry-after`;
//! `throttleOf` in `@porthole/client/rules`), the chat waits the delay it named and tries
//! once more (`patient`): sends stay pending meanwhile and the visitor is told; page views,
//! heartbeats and the session start wait silently. A transcript refused over its hourly
//! limit is not tried again: the wait is long, so the visitor is told to try later.

import {
  type AutomatedPrompt,
  ConversationStatus,
  createLeanClient,
  GrpcCode,
  type LeanClient,
  PreChatField,
  type ProactiveMessage,
  RpcError,
  SenderType,
  type Visitor,
  type VisitorConversation,
  VisitorServiceDefinition,
  type WatchVisitorFeedResponse,
  type WidgetConfig,
} from "@porthole/client/lean";
import {
  attachmentProblem,
  type FeedStatus,
  ResumableFeed,
  retryDelay,
  throttleOf,
} from "@porthole/client/rules";
import {
  type AwayEmailForm,
  awayEmailProblem,
  type ChatMessage,
  canEmailTranscript,
  currentConversation,
  type Draft,
  draftAfterTyping,
  type Expectation,
  endAction,
  ended,
  expectation,
  fromServer,
  handedOver,
  isReadOnly,
  lastSeq,
  mergeMessages,
  type Preview,
  previewOf,
  proactiveFor,
  quickRepliesOf,
  returningVisit,
  startsOver,
  type TranscriptForm,
  transcriptFormOf,
  transcriptProblem,
  unreadCount,
  unsent,
  visibleDraft,
  withFlow,
} from "./state.js";
import { fetchWithProgress } from "./upload.js";

type Client = LeanClient<typeof VisitorServiceDefinition>;

/**
 * Calls that wait out a throttle together: the visitor's sends (messages, uploads, new
 * conversations), tracking (page views, heartbeats), and the session start.
 */
type CallKind = "send" | "track" | "session";

/** What the panel shows. */
export type Screen = "loading" | "prechat" | "chat" | "offline" | "unavailable" | "list";

/** Events the host page can listen to. */
export interface ChatEvents {
  ready: { visitorId: string };
  open: Record<string, never>;
  close: Record<string, never>;
  message: { body: string; senderName: string; senderType: string };
  unread: { count: number };
}

/** Options the chat starts with. */
export interface ChatOptions {
  baseUrl: string;
  widgetToken: string;
  /** Called after every state change. */
  changed: () => void;
  /** Delivers an event to the host page. */
  emit: <K extends keyof ChatEvents>(name: K, detail: ChatEvents[K]) => void;
  /** Plays the new-message sound (when the widget's settings allow it). */
  chime: () => void;
  /**
   * Something the visitor did not ask for is to be shown (the team started a conversation,
   * or a proactive message): open the panel without taking focus.
   */
  proactive: () => void;
  /** Whether the visitor closed the panel during this visit: no proactive message then. */
  dismissed?: () => boolean;
}

const heartbeatMs = 30_000;
const typingIdleMs = 3_000;
const typingShownMs = 8_000;
/** A draft of the bot's answer with no news for this long was lost (e.g. with the connection). */
const draftShownMs = 15_000;

export class Chat {
  config: WidgetConfig | undefined;
  visitor: Visitor | undefined;
  conversation: VisitorConversation | undefined;
  messages: readonly ChatMessage[] = [];
  hasMore = false;
  /** Name of the agent typing now, if any. */
  agentTyping = "";
  /** The bot's answer being written, as far as it has come (see `botDraft`). */
  private draft: Draft | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  connection: Exclude<FeedStatus, "stopped"> = "connecting";
  /** Panel open and the page visible: new messages count as seen. */
  attending = false;
  /** Pre-chat answered in this browser. */
  preChatDone = false;
  offlineSent = false;
  /** The visitor's conversation and its latest messages have been loaded once. */
  historyLoaded = false;
  /** The visitor's conversations, newest activity first, as last listed. */
  conversations: readonly VisitorConversation[] = [];
  /** The list of the visitor's conversations is shown instead of one of them. */
  listing = false;
  /** The last message of each listed conversation, by id, once loaded. */
  readonly previews = new Map<string, Preview>();
  unavailable = false;
  upload: { file: string; fraction: number } | undefined;
  /** The last error to show near the composer or form, cleared by the next action. */
  notice = "";
  /** A field error from the server: which field, and why. */
  fieldError: { field: string; text: string } | undefined;
  /** Seconds until throttled sends go again, told to the visitor; 0 when none waits. */
  slowDown = 0;
  private transcriptForm: TranscriptForm = { step: "closed" };
  /** The address form while nobody answers (shown only while `expectation` offers it). */
  awayEmailForm: AwayEmailForm = { sending: false, email: "", problem: "" };
  /** The conversation rated in this page (its card says thanks even before the update). */
  private ratedId = "";
  /** An earlier conversation opened from the list (not the current one); "" otherwise. */
  private earlierId = "";
  /** The visitor asked for a new conversation: their next message starts one. */
  private fresh = false;
  /** StartConversation under way: sends racing each other share it. */
  private starting: Promise<string> | undefined;
  /** Uploaded files by attachment id, until sent: a message moving on uploads them again. */
  private readonly files = new Map<string, File>();

  private readonly client: Client;
  private token = "";
  private stopped = false;
  private readonly feed: ResumableFeed<WatchVisitorFeedResponse>;
  private timers: ReturnType<typeof setInterval>[] = [];
  /** The proactive message shown on this page, until the conversation it starts is here. */
  private proactive: ProactiveMessage | undefined;
  /** A proactive message was shown on this page (at most one per page load). */
  private proactiveShown = false;
  /** This visit is a returning visitor's (`returningVisit`). */
  private returning = false;
  /** The timers that look for a proactive message once the visitor has been on the page long enough. */
  private proactiveTimers: ReturnType<typeof setTimeout>[] = [];
  private typingSentAt = 0;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private seenSeq = 0;
  private lastUnread = 0;
  private lastUrl = "";
  private pageViews: Promise<void> = Promise.resolve();
  private readonly unpatch: (() => void)[] = [];
  /** Until when (epoch ms) each kind of call waits because the server throttled it. */
  private readonly holds: Record<CallKind, number> = { send: 0, track: 0, session: 0 };

  constructor(private readonly options: ChatOptions) {
    this.client = createLeanClient(VisitorServiceDefinition, {
      baseUrl: options.baseUrl,
      getToken: () => this.token,
    });
    this.feed = this.watchFeed();
  }

  /** The Porthole server's origin (attachment URLs are relative to it). */
  get baseUrl(): string {
    return this.options.baseUrl;
  }

  private get storageKey(): string {
    return `porthole:${this.options.widgetToken}`;
  }

  /** Loads the widget's settings, resumes or starts the visitor session and goes live. */
  async boot(language: string): Promise<void> {
    const widgetToken = this.options.widgetToken;
    const response = await this.patient("session", () =>
      this.client.getWidgetConfig({ widgetToken }),
    );
    this.config = response.config;
    const stored = readStorage(this.storageKey);
    this.preChatDone = stored.preChatDone === "1";
    this.returning = this.visit(!!stored.token, Number(stored.active) || 0);
    const session = await this.patient("session", () =>
      this.client.startSession({
        widgetToken,
        visitorToken: stored.token ?? "",
        language,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? "",
      }),
    );
    this.setSession(session.visitorToken, session.visitor);
    this.options.emit("ready", { visitorId: this.visitor?.id ?? "" });
    this.trackNavigation();
    this.timers.push(setInterval(() => void this.tick(), heartbeatMs));
    // Back online: reconnect now instead of after the backoff.
    const online = () => this.feed.retryNow();
    window.addEventListener("online", online);
    this.unpatch.push(() => window.removeEventListener("online", online));
    this.feed.start();
    this.armProactive();
    this.options.changed();
  }

  /**
   * Shows the widget with the given configuration and no server: the dashboard's live
   * preview. Called again with new settings, it re-renders in place. A sample exchange,
   * except on a workflow widget, whose chat shows its flow's opening (with the buttons) as
   * a visitor sees it before the conversation starts.
   */
  preview(
    config: WidgetConfig,
    screen: "chat" | "prechat" | "offline",
    sample: { agent: string; visitor: string },
  ): void {
    this.previewing = true;
    this.config = {
      ...config,
      proactiveMessages: [],
      flowOpening: config.flowOpening ?? [],
      online: screen !== "offline",
      agentsOnline: screen !== "offline",
    };
    this.preChatDone = screen !== "prechat";
    this.historyLoaded = true;
    this.visitor ??= { id: "preview", name: "", email: "", verified: false };
    this.connection = "live";
    if (this.config.flowOpening.length > 0) this.messages = [];
    else if (this.messages.length === 0) {
      const line = (seq: number, mine: boolean, body: string): ChatMessage => ({
        key: `preview-${seq}`,
        id: `preview-${seq}`,
        seq,
        mine,
        senderName: mine ? "" : "Alex",
        senderType: mine ? SenderType.SENDER_TYPE_VISITOR : SenderType.SENDER_TYPE_AGENT,
        body,
        attachments: [],
        citations: [],
        quickReplies: [],
        automated: false,
        time: new Date(),
        state: "sent",
      });
      this.messages = [line(1, true, sample.visitor), line(2, false, sample.agent)];
      this.seenSeq = 2;
    }
    this.options.changed();
  }

  /** True in the dashboard's preview: nothing is sent anywhere. */
  previewing = false;

  /** Stops everything and forgets the visitor in this browser (e.g. on the host's log-out). */
  shutdown(): void {
    this.stopped = true;
    this.feed.stop();
    clearTimeout(this.draftTimer);
    for (const timer of this.timers) clearInterval(timer);
    for (const timer of this.proactiveTimers) clearTimeout(timer);
    for (const undo of this.unpatch) undo();
    try {
      localStorage.removeItem(this.storageKey);
      sessionStorage.removeItem(`${this.storageKey}:visit`);
    } catch {
      // Storage blocked (sandboxed frame, private mode): nothing was kept.
    }
  }

  /** Which panel screen applies now. */
  get screen(): Screen {
    if (this.unavailable) return "unavailable";
    if (!this.config || !this.visitor) return "loading";
    if (this.listing) return "list";
    const open =
      this.conversation &&
      this.conversation.status !== ConversationStatus.CONVERSATION_STATUS_CLOSED;
    if (!open && !this.config.online && !this.offlineSent && !this.readOnly) return "offline";
    if (!this.conversation && this.needsPreChat()) return "prechat";
    return "chat";
  }

  /** Which pre-chat fields to ask for: hidden, optional or required. */
  preChatFields(): { name: PreChatField; email: PreChatField } {
    const behavior = this.config?.behavior;
    return {
      name: behavior?.preChatName ?? PreChatField.PRE_CHAT_FIELD_HIDDEN,
      email: behavior?.preChatEmail ?? PreChatField.PRE_CHAT_FIELD_HIDDEN,
    };
  }

  private needsPreChat(): boolean {
    if (this.preChatDone) return false;
    const fields = this.preChatFields();
    const asks = (field: PreChatField, value: string | undefined) =>
      (field === PreChatField.PRE_CHAT_FIELD_OPTIONAL ||
        field === PreChatField.PRE_CHAT_FIELD_REQUIRED) &&
      !value;
    return asks(fields.name, this.visitor?.name) || asks(fields.email, this.visitor?.email);
  }

  /** The bot's answer being written in the shown conversation, until the stored one is here. */
  get botDraft(): Draft | undefined {
    return visibleDraft(this.draft, this.conversation?.id, this.messages);
  }

  get unread(): number {
    return unreadCount(this.messages, this.seenSeq);
  }

  /** An earlier conversation that has ended is shown: its messages, without the composer. */
  get readOnly(): boolean {
    return isReadOnly(this.conversation, this.earlierId);
  }

  /** What the end of an ended conversation offers: a new conversation, or the open one. */
  get endAction(): ReturnType<typeof endAction> {
    return endAction(this.conversation, this.conversations);
  }

  /** The conversation was rated here, or before. */
  get rated(): boolean {
    return !!this.conversation && this.ratedId === this.conversation.id;
  }

  /**
   * Shows or hides the list of the visitor's conversations, loading it afresh with each
   * one's last message (read once per new message).
   */
  async showConversations(open: boolean): Promise<void> {
    this.listing = open;
    this.options.changed();
    if (!open || this.previewing) return;
    try {
      const response = await this.client.listVisitorConversations({});
      this.conversations = response.conversations;
      this.options.changed();
      await Promise.all(
        response.conversations.slice(0, 20).map(async ({ id, lastSeq }) => {
          if (this.previews.get(id)?.seq === lastSeq) return;
          const page = await this.client.listMessages({
            conversationId: id,
            beforeSeq: 0,
            pageSize: 5,
          });
          this.previews.set(id, previewOf(page.messages, lastSeq));
        }),
      );
    } catch {
      // The list shows what it has; the feed shows the connection.
    }
    this.options.changed();
  }

  /**
   * Shows a conversation from the list: an earlier one that has ended read only (rating it
   * still works), an open one to continue.
   */
  async openConversation(id: string): Promise<void> {
    this.listing = false;
    if (id === this.conversation?.id) this.options.changed();
    else await this.loadConversation(id);
  }

  /**
   * Starts over after the current conversation has ended: an empty chat whose first message
   * starts the new conversation (StartConversation with `start_new`, so it is new even
   * within the widget's quiet period), and agents never see an empty one.
   */
  startNew(): void {
    this.listing = false;
    this.fresh = true;
    this.proactive = undefined;
    this.earlierId = "";
    this.show(undefined, true);
    this.options.changed();
  }

  /** Saves the pre-chat answers; the chat starts with the first message. */
  async submitPreChat(name: string, email: string): Promise<boolean> {
    return this.action(async () => {
      const response = await this.client.updateVisitor({
        name: name || undefined,
        email: email || undefined,
        attributes: {},
      });
      this.visitor = response.visitor;
      this.preChatDone = true;
      writeStorage(this.storageKey, { preChatDone: "1" });
    });
  }

  /** Leaves a message while the team is offline. */
  async submitOffline(name: string, email: string, message: string): Promise<boolean> {
    return this.action(async () => {
      // Starts a conversation: a throttled one waits and goes again, like a message.
      const response = await this.patient("send", () =>
        this.client.submitOfflineMessage({ name, email, message }),
      );
      this.offlineSent = true;
      // The server keeps the name and address as the visitor's (an empty one changes nothing).
      if (this.visitor)
        this.visitor = {
          ...this.visitor,
          email: email || this.visitor.email,
          name: name || this.visitor.name,
        };
      this.adopt(response.conversation);
      await this.loadMessages();
    });
  }

  /** Sends a message (optimistically shown at once) with any uploaded attachments. */
  async send(body: string, attachmentIds: string[] = [], key: string = newKey()): Promise<void> {
    const text = body.trim();
    if (!text && attachmentIds.length === 0) return;
    if (this.previewing) return;
    this.notice = "";
    this.stopTyping();
    const existing = this.messages.find((m) => m.key === key);
    this.messages = mergeMessages(this.messages, [
      {
        key,
        id: "",
        seq: 0,
        mine: true,
        senderName: this.visitor?.name ?? "",
        senderType: SenderType.SENDER_TYPE_VISITOR,
        body: text,
        attachments: existing?.attachments ?? [],
        citations: [],
        quickReplies: [],
        automated: false,
        time: new Date(),
        state: "sending",
      },
    ]);
    this.options.changed();
    let files = attachmentIds;
    try {
      // Throttled, the line stays "sending" while the visitor is told when it goes again.
      const conversationId = await this.patient("send", () => this.ensureConversation());
      const deliver = (into: string) =>
        this.patient("send", () =>
          this.client.sendMessage({
            conversationId: into,
            body: text,
            clientKey: key,
            attachmentIds: files,
          }),
        );
      let response: Awaited<ReturnType<typeof deliver>>;
      try {
        response = await deliver(conversationId);
      } catch (error) {
        if (!startsOver(error instanceof RpcError ? error.code : undefined)) throw error;
        // The conversation has ended for good: the message goes into a new one, shown in its
        // place (the line keeps its key, so it just turns "delivered"); the old one keeps its
        // messages and rating, in the list.
        const next = await this.patient("send", () => this.begin(true));
        if (next === conversationId) throw error;
        files = await this.uploadAgain(files, next);
        response = await deliver(next);
      }
      for (const id of files) this.files.delete(id);
      this.pendingAttachments.delete(key);
      const stored = response.message;
      if (stored && stored.conversationId === this.conversation?.id)
        this.addMessages([fromServer(stored)]);
    } catch (error) {
      this.messages = this.messages.map((m) => (m.key === key ? { ...m, state: "failed" } : m));
      this.notice = describe(error);
      this.pendingAttachments.set(key, files);
    }
    this.options.changed();
  }

  /** Uploads a message's files again into conversation `into` (attachments belong to one). */
  private async uploadAgain(ids: readonly string[], into: string): Promise<string[]> {
    const moved: string[] = [];
    for (const id of ids) {
      const file = this.files.get(id);
      if (!file)
        throw new RpcError(GrpcCode.FailedPrecondition, "the file is gone; attach it again");
      moved.push(await this.patient("send", () => this.uploadTo(into, file)));
    }
    return moved;
  }

  private readonly pendingAttachments = new Map<string, string[]>();

  /** Sends a failed message again with the same key, so it cannot arrive twice. */
  retry(key: string): void {
    const line = this.messages.find((m) => m.key === key);
    if (line) void this.send(line.body, this.pendingAttachments.get(key) ?? [], key);
  }

  /** Uploads a file (with progress) and sends it as a message. */
  async attach(file: File): Promise<void> {
    const problem = attachmentProblem(file);
    if (problem) {
      this.notice = problem;
      this.noticeVars = { file: file.name };
      this.options.changed();
      return;
    }
    this.notice = "";
    try {
      const id = await this.patient("send", async () =>
        this.uploadTo(await this.ensureConversation(), file),
      );
      await this.send("", [id]);
    } catch (error) {
      this.upload = undefined;
      this.notice = "uploadFailed";
      this.noticeVars = { file: file.name, why: describe(error) };
      this.options.changed();
    }
  }

  /** Uploads `file` into a conversation, with progress; returns the attachment's id. */
  private async uploadTo(conversationId: string, file: File): Promise<string> {
    this.upload = { file: file.name, fraction: 0 };
    this.options.changed();
    const uploader = createLeanClient(VisitorServiceDefinition, {
      baseUrl: this.options.baseUrl,
      getToken: () => this.token,
      fetch: fetchWithProgress((fraction) => {
        this.upload = { file: file.name, fraction };
        this.options.changed();
      }),
    });
    const data = new Uint8Array(await file.arrayBuffer());
    const response = await uploader
      .uploadAttachment({ conversationId, fileName: file.name, data })
      .finally(() => {
        this.upload = undefined;
      });
    const id = response.attachment?.id;
    if (!id) throw new RpcError(GrpcCode.Internal, "no attachment returned");
    this.files.set(id, file);
    return id;
  }

  /** Placeholders for a notice that is a text key. */
  noticeVars: Record<string, string> = {};

  /** Called on every keystroke in the composer: tells the agent, at most every 3 s. */
  typing(): void {
    const conversationId = this.conversation?.id;
    if (!conversationId) return;
    const now = Date.now();
    if (now - this.typingSentAt > typingIdleMs) {
      this.typingSentAt = now;
      this.client.setTyping({ conversationId, typing: true }).catch(() => {});
    }
    clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.stopTyping(), typingIdleMs);
  }

  private stopTyping(): void {
    clearTimeout(this.typingIdle);
    const conversationId = this.conversation?.id;
    if (this.typingSentAt && conversationId) {
      this.typingSentAt = 0;
      this.client.setTyping({ conversationId, typing: false }).catch(() => {});
    }
  }

  /** Rates a resolved conversation. */
  async rate(rating: number, comment: string): Promise<boolean> {
    const conversationId = this.conversation?.id;
    if (!conversationId) return false;
    return this.action(async () => {
      const response = await this.client.rateConversation({ conversationId, rating, comment });
      if (response.conversation?.id === this.conversation?.id)
        this.conversation = response.conversation;
      this.ratedId = conversationId;
    });
  }

  /**
   * What the visitor is told about who will answer: queue position, or when and where;
   * nothing while a guided flow has the conversation (it answers at once).
   */
  get expectation(): Expectation {
    const config = this.config;
    if (withFlow(this.conversation)) return { kind: "none" };
    return expectation(
      { agentsOnline: !!config?.agentsOnline, emailEnabled: !!config?.emailEnabled },
      this.conversation,
      this.visitor?.email ?? "",
    );
  }

  /** Whether the visitor may have this conversation e-mailed to them. */
  get canEmailTranscript(): boolean {
    return (
      !this.previewing &&
      !!this.conversation &&
      canEmailTranscript(!!this.config?.emailEnabled, this.messages)
    );
  }

  /** The transcript form of the current conversation. */
  get transcript(): TranscriptForm {
    return transcriptFormOf(this.transcriptForm, this.conversation?.id);
  }

  /** Opens the transcript form, prefilled with the visitor's e-mail if known, or closes it. */
  showTranscriptForm(open: boolean): void {
    const conversationId = this.conversation?.id;
    this.transcriptForm =
      open && conversationId
        ? { step: "open", conversationId, email: this.visitor?.email ?? "", problem: "" }
        : { step: "closed" };
    this.options.changed();
  }

  /**
   * E-mails the visitor this conversation. Refused, the form stays open saying why (a bad
   * address, the hourly limit, or a failure worth trying again); never retried by itself.
   */
  async emailTranscript(email: string): Promise<void> {
    const conversationId = this.conversation?.id;
    if (!conversationId || this.previewing || this.transcript.step === "sending") return;
    this.transcriptForm = { step: "sending", conversationId, email };
    this.options.changed();
    try {
      await this.client.emailTranscript({ conversationId, email });
      this.transcriptForm = { step: "sent", conversationId, email };
      // The server keeps the address as the visitor's when they had none.
      if (this.visitor && !this.visitor.email) this.visitor = { ...this.visitor, email };
    } catch (error) {
      const code = error instanceof RpcError ? error.code : undefined;
      this.transcriptForm = {
        step: "open",
        conversationId,
        email,
        problem: transcriptProblem(code),
      };
    }
    this.options.changed();
  }

  /** Hands a bot conversation to the human agents. */
  async requestHuman(): Promise<void> {
    const conversationId = this.conversation?.id;
    if (!conversationId) return;
    await this.action(async () => {
      const response = await this.client.requestHuman({ conversationId });
      this.conversation = response.conversation;
      // An answer the bot was writing is dropped: the conversation is the team's now.
      this.draft = undefined;
      // Whether a person is there decides what the visitor is told next.
      await this.refreshConfig();
    });
  }

  /**
   * Leaves the visitor's e-mail address while nobody answers (UpdateVisitor, as the pre-chat
   * form does): the team's answer then also goes there. Refused, the form stays open saying
   * why; never retried by itself.
   */
  async leaveEmail(email: string): Promise<void> {
    if (this.previewing || this.awayEmailForm.sending) return;
    this.awayEmailForm = { sending: true, email, problem: "" };
    this.options.changed();
    try {
      const response = await this.client.updateVisitor({
        name: undefined,
        email,
        attributes: {},
      });
      const visitor = response.visitor ?? this.visitor;
      if (visitor) this.visitor = { ...visitor, email: visitor.email || email };
      this.awayEmailForm = { sending: false, email: "", problem: "" };
    } catch (error) {
      const code = error instanceof RpcError ? error.code : undefined;
      this.awayEmailForm = { sending: false, email, problem: awayEmailProblem(code) };
    }
    this.options.changed();
  }

  /** Loads the page of messages before the oldest one shown. */
  async loadEarlier(): Promise<void> {
    const oldest = this.messages.find((m) => m.seq > 0)?.seq ?? 0;
    if (oldest > 0) await this.loadMessages(oldest);
  }

  /** Sets the visitor's custom attributes (from the host page). */
  async setAttributes(attributes: Record<string, string>): Promise<void> {
    const response = await this.client.updateVisitor({
      name: undefined,
      email: undefined,
      attributes,
    });
    this.visitor = response.visitor;
  }

  /** Identifies the visitor as a signed-in user of the host site (HMAC from its backend). */
  async identify(user: {
    externalId: string;
    userHash: string;
    name?: string;
    email?: string;
  }): Promise<void> {
    const response = await this.client.identifyVisitor({
      externalId: user.externalId,
      userHash: user.userHash,
      name: user.name ?? "",
      email: user.email ?? "",
    });
    const changed = response.visitorToken !== this.token;
    this.setSession(response.visitorToken, response.visitor);
    if (changed) {
      // Another visitor's conversations follow the user: start over on the new token.
      this.conversation = undefined;
      this.conversations = [];
      this.previews.clear();
      this.earlierId = "";
      this.fresh = false;
      this.listing = false;
      this.messages = [];
      this.feed.restart();
    }
    this.options.changed();
  }

  /** The panel opened or closed, or the page's visibility changed. */
  setAttending(attending: boolean): void {
    this.attending = attending;
    if (attending) this.markSeen();
    this.options.changed();
  }

  private setSession(token: string, visitor: Visitor | undefined): void {
    this.token = token;
    this.visitor = visitor;
    writeStorage(this.storageKey, { token, active: String(Date.now()) });
  }

  /**
   * Whether this visit is a returning visitor's (`returningVisit`: a token from before and
   * no activity here for 30 minutes), decided on the visit's first page and kept in this
   * tab's sessionStorage for the visit's other pages. `hadToken` and `lastActive` are what
   * localStorage held when this page loaded.
   */
  private visit(hadToken: boolean, lastActive: number): boolean {
    const key = `${this.storageKey}:visit`;
    try {
      const returning = returningVisit(
        sessionStorage.getItem(key),
        hadToken,
        lastActive,
        Date.now(),
      );
      sessionStorage.setItem(key, returning ? "1" : "0");
      return returning;
    } catch {
      // Storage blocked: every page is a first visit's.
      return false;
    }
  }

  /**
   * Looks for a proactive message again when each message's time on the page has passed
   * (counted from the page's load, `performance.now()`), and on every navigation of a
   * single-page app (`trackNavigation`).
   */
  private armProactive(): void {
    const seconds = new Set(this.config?.proactiveMessages.map((m) => m.timeOnPageSeconds));
    for (const s of seconds)
      this.proactiveTimers.push(
        // A few ms late rather than early, so the message's time has passed when it runs.
        setTimeout(() => this.offerProactive(), Math.max(0, s * 1000 - performance.now()) + 10),
      );
  }

  /**
   * Shows the first proactive message whose conditions hold now (`proactiveFor`) as an
   * automated message in an empty chat, and opens the panel without taking focus. At most
   * one per page load; only once the visitor's conversations are known, while the widget is
   * online, and never over a conversation going on (or an ended one the visitor is reading),
   * the list of conversations, nor after the visitor closed the panel during this visit. Over
   * an ended conversation the chat starts afresh, as after "Start a new conversation": the
   * ended one stays in the list, and the visitor's answer starts a new conversation, which
   * the server opens with the message's text (`StartConversation.proactive_rule_id`).
   */
  private offerProactive(): void {
    const config = this.config;
    const current = this.conversation;
    if (
      !config?.online ||
      this.proactiveShown ||
      this.stopped ||
      this.previewing ||
      this.unavailable ||
      !this.historyLoaded ||
      this.listing ||
      this.readOnly ||
      this.starting ||
      (current && (!ended(current.status) || this.attending)) ||
      this.options.dismissed?.()
    )
      return;
    const message = proactiveFor(config.proactiveMessages, {
      url: location.href,
      onPageMs: performance.now(),
      returning: this.returning,
    });
    if (!message) return;
    this.proactiveShown = true;
    if (current) {
      this.fresh = true;
      this.earlierId = "";
      this.show(undefined, true);
    }
    this.proactive = message;
    this.options.changed();
    this.options.proactive();
  }

  /**
   * Automated messages shown before there is a conversation to hold them: the proactive
   * message shown on this page, and a workflow widget's opening (its guided flow up to the
   * first question). The conversation the visitor's answer starts begins with the same
   * messages, written by the server: these show until they are loaded (also while it
   * starts), and never beside them.
   */
  get prompts(): readonly AutomatedPrompt[] {
    const config = this.config;
    if (!config || this.readOnly || this.messages.some((m) => m.seq > 0)) return [];
    if (this.conversation && !this.starting) return [];
    // The server writes the proactive message first, then (on a workflow widget) the opening.
    const opening = config.flowOpening;
    return this.proactive ? [{ text: this.proactive.text, quickReplies: [] }, ...opening] : opening;
  }

  /** The buttons under the newest line (a guided flow's choices), while nothing came after it. */
  get quickReplies(): readonly string[] {
    if (this.readOnly || ended(this.conversation?.status)) return [];
    return quickRepliesOf(this.messages, this.prompts);
  }

  /**
   * The conversation a message goes into: the current one unless it is closed; else the one
   * StartConversation gives (the server's rules: the open one, or the latest resolved within
   * the quiet period, or a new one; always a new one after the visitor asked for it).
   */
  private async ensureConversation(): Promise<string> {
    const current = this.conversation;
    if (
      current &&
      !this.readOnly &&
      current.status !== ConversationStatus.CONVERSATION_STATUS_CLOSED
    )
      return current.id;
    return this.begin(this.fresh);
  }

  /** Starts (or continues) a conversation and shows it; one call at a time. */
  private begin(startNew: boolean): Promise<string> {
    this.starting ??= (async () => {
      // Shown before it starts: the server writes the same messages into it.
      const prompted = this.prompts.length > 0;
      const response = await this.client.startConversation({
        sourceUrl: location.href.slice(0, 2000),
        sourceTitle: document.title.slice(0, 500),
        startNew,
        proactiveRuleId: this.proactive?.ruleId ?? "",
      });
      const conversation = response.conversation;
      if (!conversation) throw new RpcError(GrpcCode.Internal, "no conversation returned");
      this.adopt(conversation);
      this.fresh = false;
      // Its opening is loaded before the visitor's message is sent, so the prompts give way
      // to the stored copy at once and the visitor's message follows it, never above it.
      try {
        if (response.resumed || prompted) await this.loadMessages();
      } finally {
        this.proactive = undefined;
      }
      return conversation.id;
    })().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /**
   * Makes `conversation` the current one and shows it, keeping the lines being sent (they
   * go into it), and puts it first in the list.
   */
  private adopt(conversation: VisitorConversation | undefined): void {
    this.show(conversation, true);
    if (!conversation) return;
    this.earlierId = "";
    this.conversations = [
      conversation,
      ...this.conversations.filter((c) => c.id !== conversation.id),
    ];
  }

  /**
   * Shows `conversation`: another one's lines go (except the visitor's unsent ones when
   * `keepUnsent`), and what this browser has seen of it comes back from storage.
   */
  private show(conversation: VisitorConversation | undefined, keepUnsent: boolean): void {
    if (conversation?.id !== this.conversation?.id) {
      this.messages = keepUnsent ? unsent(this.messages) : [];
      this.hasMore = false;
      this.agentTyping = "";
      this.draft = undefined;
      this.seenSeq = conversation
        ? Number(readStorage(this.storageKey)[`seen:${conversation.id}`] ?? 0)
        : 0;
    }
    // A conversation shown otherwise (another tab's, the team's) replaces a proactive message.
    if (conversation && !this.starting) this.proactive = undefined;
    this.conversation = conversation;
  }

  /**
   * Runs a call; when the server throttles it, waits the delay the server named (the normal
   * backoff when it named none) and runs it once more, leaving a second failure to the
   * caller. Later calls of the same kind wait out that delay first instead of running into
   * the limit again.
   */
  private async patient<T>(kind: CallKind, call: () => Promise<T>): Promise<T> {
    await this.waitOut(kind);
    try {
      return await call();
    } catch (error) {
      const throttle = throttleOf(error);
      if (!throttle.throttled) throw error;
      this.holds[kind] = Math.max(this.holds[kind], Date.now() + retryDelay(throttle));
      await this.waitOut(kind);
      return call();
    }
  }

  /** Waits until calls of `kind` may go again; for sends, the visitor sees how long. */
  private async waitOut(kind: CallKind): Promise<void> {
    const ms = this.holds[kind] - Date.now();
    if (ms <= 0) return;
    const told = kind === "send";
    if (told) {
      this.slowDown = Math.ceil(ms / 1000);
      this.options.changed();
    }
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (told && this.holds.send <= Date.now()) {
      this.slowDown = 0;
      this.options.changed();
    }
    if (this.stopped) throw new RpcError(GrpcCode.Canceled, "the chat was shut down");
  }

  /** Runs an action from a form: errors become the notice, and `false` is returned. */
  private async action(run: () => Promise<void>): Promise<boolean> {
    this.notice = "";
    this.fieldError = undefined;
    try {
      await run();
      return true;
    } catch (error) {
      const violation = error instanceof RpcError ? error.fieldViolations[0] : undefined;
      if (violation) this.fieldError = { field: violation.field, text: violation.description };
      this.notice = describe(error);
      return false;
    } finally {
      this.options.changed();
    }
  }

  private addMessages(lines: ChatMessage[]): void {
    this.messages = mergeMessages(this.messages, lines);
    if (this.attending) this.markSeen();
    this.announceUnread();
  }

  private markSeen(): void {
    const seq = lastSeq(this.messages);
    const conversationId = this.conversation?.id;
    if (!conversationId || seq <= this.seenSeq) return;
    const teamUnread = this.unread > 0;
    this.seenSeq = seq;
    writeStorage(this.storageKey, { [`seen:${conversationId}`]: String(seq) });
    if (teamUnread) this.client.markRead({ conversationId, seq }).catch(() => {});
    this.announceUnread();
  }

  private announceUnread(): void {
    const count = this.unread;
    if (count !== this.lastUnread) {
      this.lastUnread = count;
      this.options.emit("unread", { count });
    }
  }

  /**
   * Loads the visitor's conversations and shows one with its latest messages: `id` (from
   * the list), or else the current one (`currentConversation`).
   */
  private async loadConversation(id?: string): Promise<void> {
    const response = await this.client.listVisitorConversations({});
    this.conversations = response.conversations;
    const current = currentConversation(response.conversations, this.fresh);
    if (current && !ended(current.status)) this.fresh = false;
    const earlier = id && id !== current?.id ? id : "";
    const shown = earlier ? response.conversations.find((c) => c.id === earlier) : current;
    this.earlierId = shown ? earlier : "";
    // Lines being sent stay with the current conversation, the one they go into.
    this.show(shown, !this.earlierId);
    if (shown) await this.loadMessages();
    this.historyLoaded = true;
    this.options.changed();
    this.offerProactive();
  }

  private async loadMessages(beforeSeq = 0): Promise<void> {
    const conversationId = this.conversation?.id;
    if (!conversationId) return;
    const page = await this.client.listMessages({ conversationId, beforeSeq, pageSize: 50 });
    if (beforeSeq === 0 || page.messages.length > 0) this.hasMore = page.hasMore;
    this.addMessages(page.messages.map(fromServer));
    this.options.changed();
  }

  /**
   * The visitor's feed, kept open until shutdown. A fresh start subscribes first and loads
   * the conversation after the first (heartbeat) item, so nothing written in between is
   * missed; a resume passes the last cursor and the server replays what was missed, exactly
   * once. A stream silent for longer than three heartbeats is dropped and resumed.
   */
  private watchFeed(): ResumableFeed<WatchVisitorFeedResponse> {
    return new ResumableFeed<WatchVisitorFeedResponse>({
      watch: (cursor, signal) => this.client.watchVisitorFeed({ cursor }, { signal }),
      isHeartbeat: (item) => item.event?.$case === "heartbeat",
      // An earlier conversation being read stays shown.
      onReset: () => this.loadConversation(this.readOnly ? this.conversation?.id : undefined),
      onEvent: (item) => this.apply(item.event),
      onStatus: (status) => {
        if (status === "stopped") return;
        this.connection = status;
        this.options.changed();
      },
      codeOf: (error) => (error instanceof RpcError ? error.code : undefined),
      shouldRetry: (error) => {
        const code = error instanceof RpcError ? error.code : GrpcCode.Unknown;
        if (
          code === GrpcCode.Unauthenticated ||
          code === GrpcCode.NotFound ||
          code === GrpcCode.PermissionDenied
        ) {
          // The widget was deactivated or the session is no longer valid.
          this.unavailable = true;
          this.options.changed();
          return false;
        }
        return true;
      },
    });
  }

  private async apply(event: WatchVisitorFeedResponse["event"]): Promise<void> {
    if (!event) return;
    switch (event.$case) {
      case "messageCreated": {
        const message = event.value;
        const line = fromServer(message);
        if (!line.mine) {
          this.agentTyping = "";
          this.options.emit("message", {
            body: message.body,
            senderName: message.senderName,
            senderType: ["", "visitor", "agent", "bot", "system"][message.senderType] ?? "",
          });
          if (!this.attending) this.options.chime();
        }
        // The team writing before the visitor has said anything is a proactive message;
        // automation writes only in answer to the visitor (or in another tab of theirs).
        const proactive = !line.mine && !message.automated && !this.messages.some((m) => m.mine);
        if (message.conversationId !== this.conversation?.id) {
          // A conversation the agent started, or one from another tab.
          await this.loadConversation();
        } else {
          this.addMessages([line]);
        }
        if (proactive) this.options.proactive();
        break;
      }
      case "typing":
        if (event.value.conversationId === this.conversation?.id) {
          this.draft = draftAfterTyping(this.draft, event.value, lastSeq(this.messages));
          clearTimeout(this.draftTimer);
          if (this.draft)
            this.draftTimer = setTimeout(() => {
              this.draft = undefined;
              this.options.changed();
            }, draftShownMs);
          clearTimeout(this.agentTypingTimer);
          this.agentTyping = event.value.typing ? event.value.name || " " : "";
          if (event.value.typing) {
            this.agentTypingTimer = setTimeout(() => {
              this.agentTyping = "";
              this.options.changed();
            }, typingShownMs);
          }
        }
        break;
      case "read":
        if (this.conversation && event.value.conversationId === this.conversation.id) {
          this.conversation = {
            ...this.conversation,
            agentReadSeq: Math.max(this.conversation.agentReadSeq, event.value.seq),
          };
        }
        break;
      case "conversationUpdated": {
        const update = event.value;
        this.conversations = this.conversations.some((c) => c.id === update.id)
          ? this.conversations.map((c) => (c.id === update.id ? update : c))
          : [update, ...this.conversations];
        if (update.id === this.conversation?.id) {
          const before = this.conversation;
          this.conversation = update;
          if (update.status !== ConversationStatus.CONVERSATION_STATUS_RESOLVED) this.ratedId = "";
          // Handed to the team (here or by the server): is a person there now?
          if (handedOver(before, update)) await this.refreshConfig();
        } else if (!this.conversation && !(this.fresh && ended(update.status))) {
          // A conversation the team started, or one from another tab; never the ended one
          // the visitor has just left for a new one.
          this.adopt(update);
          this.fresh = false;
        }
        break;
      }
    }
    this.options.changed();
  }

  /**
   * Reads the widget's configuration again: whether the team (and a person) answers now.
   * A failure keeps the last one; the next tick tries again.
   */
  private async refreshConfig(): Promise<void> {
    if (this.previewing) return;
    try {
      const response = await this.client.getWidgetConfig({
        widgetToken: this.options.widgetToken,
      });
      if (response.config) this.config = response.config;
    } catch {
      // The feed shows the connection state.
    }
  }

  /** Every 30 s: heartbeat, and fresh online state and queue position. */
  private async tick(): Promise<void> {
    // An open page is activity: this visit goes on (`returningVisit`).
    writeStorage(this.storageKey, { active: String(Date.now()) });
    // Throttled: the heartbeat waiting to go again stands in for this one.
    if (this.holds.track > Date.now()) return;
    try {
      await this.patient("track", () =>
        this.client.heartbeat({ url: location.href.slice(0, 2000) }),
      );
      await this.refreshConfig();
      if (this.conversation?.queuePosition) {
        const list = await this.client.listVisitorConversations({});
        this.conversation =
          list.conversations.find((c) => c.id === this.conversation?.id) ?? this.conversation;
      }
      this.options.changed();
    } catch {
      // The feed shows the connection state; the next tick tries again.
    }
  }

  /** Records a page view now and on every single-page-app route change. */
  private trackNavigation(): void {
    const record = () => {
      // Let the app set its new title first.
      setTimeout(() => {
        if (location.href === this.lastUrl || this.stopped) return;
        this.lastUrl = location.href;
        // Another page of a single-page app may be one a proactive message is for.
        this.offerProactive();
        const view = {
          url: location.href.slice(0, 2000),
          title: document.title.slice(0, 500),
          referrer: document.referrer.slice(0, 2000),
        };
        // One at a time, so the server applies them in the order the visitor navigated.
        this.pageViews = this.pageViews.then(() =>
          this.patient("track", () => this.client.recordPageView(view)).then(
            () => {},
            () => {},
          ),
        );
      }, 50);
    };
    record();
    for (const method of ["pushState", "replaceState"] as const) {
      const original = history[method];
      history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
        const result = original.apply(this, args);
        record();
        return result;
      };
      this.unpatch.push(() => {
        history[method] = original;
      });
    }
    for (const name of ["popstate", "hashchange"]) {
      window.addEventListener(name, record);
      this.unpatch.push(() => window.removeEventListener(name, record));
    }
  }
}

/** A random idempotency key for a message. */
function newKey(): string {
  return (
    crypto.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  );
}

/** A person-readable reason for a failed call. */
function describe(error: unknown): string {
  if (error instanceof RpcError) {
    const violation = error.fieldViolations[0];
    return violation ? violation.description : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

function readStorage(key: string): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(key) ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}

function writeStorage(key: string, values: Record<string, string>): void {
  try {
    localStorage.setItem(key, JSON.stringify({ ...readStorage(key), ...values }));
  } catch {
    // Storage may be full or blocked (private mode): the session just won't survive a reload.
  }
}
