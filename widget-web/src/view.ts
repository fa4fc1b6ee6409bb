//! The widget's DOM, inside a shadow root: launcher, panel, message list, forms and
//! composer. Text from the server is only ever set as text (never parsed as HTML), and
//! links are built from the safe parts of the shared `linkify` (`@porthole/client/rules`).
//! Light or dark by the widget's colour scheme (auto follows the system setting live); the
//! open panel and the list's scroll position are remembered across page loads (memory.ts).
//! The header opens the list of the visitor's conversations; an earlier one that has ended
//! shows without the composer, and an ended one offers a new conversation. While the AI bot
//! answers, the header names it as an AI assistant, a bar above the composer offers a
//! person, its answer grows in a bubble as it is written, and its messages list the articles
//! they cite (links only to http(s) addresses). While nobody answers, the log says so and,
//! when the server sends e-mail, takes an address for the answer. Automated messages (rules,
//! guided flows, proactive messages) show the assistant's name without the AI tag, and a
//! guided flow's choices are buttons under its question while it is the newest line.

import {
  type Citation,
  ConversationStatus,
  PreChatField,
  SenderType,
  WidgetPosition,
} from "@porthole/client/lean";
import { linkify } from "@porthole/client/rules";
import type { Chat } from "./chat.js";
import type { TextKey, Translate } from "./i18n.js";
import { distanceFromEnd, type PanelMemoryStore, scrollTopFor } from "./memory.js";
import {
  type AwayEmailForm,
  answerer,
  type Draft,
  deliveryMark,
  ended,
  initial,
  isDark,
  sources,
  statusText,
  type TranscriptForm,
  webUrl,
} from "./state.js";
import { css } from "./styles.js";

const icons = {
  chat: '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>',
  close:
    '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>',
  send: '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M3 20.5 21 12 3 3.5 3 10l12 2-12 2z"/></svg>',
  mail: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" aria-hidden="true"><rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/></svg>',
  list: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01"/></svg>',
  clip: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M21 11.5 12.5 20a5 5 0 0 1-7-7l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-3-3l8-8"/></svg>',
};

/** Creates an element with attributes and children (strings become text nodes). */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | ((e: Event) => void)> = {},
  ...children: (Node | string | false | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false) el.setAttribute(name, value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/** Static SVG markup from the icon table (never server data). */
function icon(svg: string): HTMLSpanElement {
  const span = h("span", { "aria-hidden": "true", style: "display:contents" });
  span.innerHTML = svg;
  return span;
}

/** The whole widget UI; `render()` brings it up to date with the chat state. */
export class View {
  readonly host = document.createElement("div");
  private readonly root = h("div", { class: "root br" });
  private readonly launcher: HTMLButtonElement;
  private readonly launcherChat = icon(icons.chat);
  /** The launcher's X while the panel is open: it closes the chat. */
  private readonly launcherClose = icon(icons.close);
  private readonly badge = h("span", { class: "badge", hidden: true });
  private readonly panel: HTMLDivElement;
  private readonly title = h("h2", { id: "ph-title" });
  private readonly subtitle = h("p");
  private readonly logo = h("img", { alt: "", hidden: true });
  private readonly conn = h("div", { class: "conn", role: "status", hidden: true });
  private readonly body = h("div", { class: "body", role: "log", "aria-live": "polite" });
  private readonly typingLine = h("div", { class: "typing", "aria-live": "polite" });
  private readonly progress = h("div", { class: "prog", hidden: true });
  private readonly error = h("div", { class: "err", role: "alert", hidden: true });
  /** The calm note while throttled sends wait to go again. */
  private readonly wait = h("div", { class: "wait", role: "status", hidden: true });
  /** While the bot answers: who it is, and the way to a person. */
  private readonly botText = h("span");
  private readonly humanButton = h(
    "button",
    { class: "btn2", type: "button", "data-human": "", onclick: () => void this.handOver() },
    "",
  );
  private readonly botBar = h(
    "div",
    { class: "botbar", "data-bot": "", hidden: true },
    this.botText,
    this.humanButton,
  );
  private readonly composer: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;
  private readonly fileInput = h("input", { type: "file", hidden: true, tabindex: "-1" });
  private readonly brand = h("div", { class: "brand" });
  private readonly mailButton: HTMLButtonElement;
  /** Opens (and closes) the list of the visitor's conversations. */
  private readonly listButton: HTMLButtonElement;
  private readonly rows = new Map<string, { el: HTMLElement; sig: string }>();
  /** What the body shows instead of the chat: a form, a note, or the conversation list. */
  private form: { screen: string; el: HTMLElement; sig?: string } | undefined;
  private stars = 0;
  private hiddenLauncher = false;
  /** Distance from the list's end to restore once the history has loaded (memory.ts). */
  private pendingScroll: number | undefined;
  /** How far the visitor has scrolled the list up from its end (0: following new messages). */
  private fromEnd = 0;
  /** The visitor's system setting, followed live while the scheme is auto. */
  private readonly systemDark =
    typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : undefined;
  private readonly schemeChanged = () => this.render();
  private readonly resized =
    typeof ResizeObserver === "function"
      ? new ResizeObserver(() => {
          if (this.pendingScroll !== undefined || this.form || !this.isOpen) return;
          this.body.scrollTop = scrollTopFor(this.body, this.fromEnd);
        })
      : undefined;
  isOpen = false;

  constructor(
    private readonly chat: Chat,
    private t: Translate,
    private readonly onOpenChange: (open: boolean) => void,
    private readonly memory?: PanelMemoryStore,
  ) {
    const shadow = this.host.attachShadow({ mode: "open" });
    this.host.setAttribute("data-porthole", "");
    const style = h("style");
    style.textContent = css;
    // Hidden until the configuration has arrived, so a refused widget never flashes.
    this.launcher = h("button", {
      class: "launcher",
      type: "button",
      hidden: true,
      "aria-expanded": "false",
      onclick: () => this.toggle(),
    });
    this.panel = h("div", {
      class: "panel",
      role: "dialog",
      "aria-labelledby": "ph-title",
      hidden: true,
    });
    this.input = h("textarea", {
      rows: "1",
      oninput: () => {
        this.chat.typing();
        this.autosize();
      },
      onkeydown: (e) => {
        const key = e as KeyboardEvent;
        if (key.key === "Enter" && !key.shiftKey && !key.isComposing) {
          key.preventDefault();
          this.composer.requestSubmit();
        }
      },
    });
    this.fileInput.addEventListener("change", () => {
      const file = this.fileInput.files?.[0];
      this.fileInput.value = "";
      if (file) void this.chat.attach(file);
    });
    this.composer = h(
      "form",
      {
        class: "compose",
        onsubmit: (e) => {
          e.preventDefault();
          const text = this.input.value;
          if (!text.trim()) return;
          this.input.value = "";
          this.autosize();
          void this.chat.send(text);
        },
      },
      h(
        "button",
        { class: "ib", type: "button", "data-attach": "", onclick: () => this.fileInput.click() },
        icon(icons.clip),
      ),
      this.fileInput,
      this.input,
      h("button", { class: "ib send", type: "submit", "data-send": "" }, icon(icons.send)),
    );
    const close = h(
      "button",
      { class: "x", type: "button", "data-close": "", onclick: () => this.setOpen(false) },
      icon(icons.close),
    );
    // While the chat goes on, the transcript is offered here; once it has ended, in the log.
    this.mailButton = h(
      "button",
      { class: "x", type: "button", hidden: true, onclick: () => this.openTranscript() },
      icon(icons.mail),
    );
    this.listButton = h(
      "button",
      {
        class: "x",
        type: "button",
        "data-list": "",
        hidden: true,
        onclick: () => this.showList(!this.chat.listing),
      },
      icon(icons.list),
    );
    this.panel.append(
      h(
        "div",
        { class: "head" },
        this.logo,
        h("div", { class: "t" }, this.title, this.subtitle),
        this.listButton,
        this.mailButton,
        close,
      ),
      this.conn,
      this.body,
      this.typingLine,
      this.progress,
      this.wait,
      this.error,
      this.botBar,
      this.composer,
      this.brand,
    );
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.setOpen(false);
      }
    });
    this.body.addEventListener("scroll", () => {
      // Only the visitor's own place in the conversation, not the list filling up.
      if (this.pendingScroll !== undefined || this.form || !this.isOpen) return;
      this.fromEnd = distanceFromEnd(this.body);
      this.memory?.write({ fromEnd: this.fromEnd });
    });
    // The list anchored at its end: when it gets shorter or taller (the connection banner
    // comes or goes, the composer grows, the window changes), what the visitor was reading
    // stays in place.
    this.resized?.observe(this.body);
    this.systemDark?.addEventListener("change", this.schemeChanged);
    this.launcherClose.hidden = true;
    this.launcher.append(this.launcherChat, this.launcherClose, this.badge);
    this.root.append(this.panel, this.launcher);
    shadow.append(style, this.root);
  }

  setTranslator(t: Translate): void {
    this.t = t;
    this.form = undefined;
    this.rows.clear();
    this.body.replaceChildren();
    this.render();
  }

  /** Stops following the system's colour scheme and the list's size (the widget is going away). */
  dispose(): void {
    this.systemDark?.removeEventListener("change", this.schemeChanged);
    this.resized?.disconnect();
  }

  /**
   * Reopens the panel as the visitor left it on the previous page of this site, without
   * taking focus from the page: scrolled as far up from the end as it was, once the
   * history is there (at the end, new messages keep it there as usual).
   */
  restore(): void {
    const memory = this.memory?.read();
    if (!memory?.open) return;
    if (memory.fromEnd > 0) this.pendingScroll = memory.fromEnd;
    this.setOpen(true, false);
  }

  toggle(): void {
    this.setOpen(!this.isOpen);
  }

  /** Opens or closes the panel; `focus` is false when the visitor did not ask for it. */
  setOpen(open: boolean, focus = true): void {
    if (open === this.isOpen) return;
    this.isOpen = open;
    // Opened anew (not restored from another page), it shows the end of the conversation.
    if (open && this.pendingScroll === undefined) this.fromEnd = 0;
    // Closed by the visitor (or the host page): no proactive message for the rest of the visit.
    this.memory?.write(open ? { open, fromEnd: this.pendingScroll ?? 0 } : { open, closed: true });
    this.render();
    if (!focus) {
      // Opened for a proactive message: never take focus from the host page.
    } else if (open) {
      this.scrollToEnd();
      ((this.form?.el.querySelector("input,textarea") as HTMLElement | null) ?? this.input).focus();
    } else {
      this.launcher.focus();
    }
    this.onOpenChange(open);
  }

  showLauncher(show: boolean): void {
    this.hiddenLauncher = !show;
    this.render();
  }

  /** Brings the DOM up to date with the chat's state. */
  render(): void {
    const { chat, t } = this;
    const config = chat.config;
    const a = config?.appearance;
    const style = this.root.style;
    style.setProperty("--p", a?.primaryColor || "#1f6feb");
    style.setProperty("--pt", a?.textColor || "#ffffff");
    style.setProperty("--r", `${a?.borderRadius ?? 12}px`);
    style.setProperty("--ls", `${a?.launcherSize || 60}px`);
    style.setProperty(
      "--font",
      a?.fontFamily || "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif",
    );
    const corners: Partial<Record<WidgetPosition, string>> = {
      [WidgetPosition.WIDGET_POSITION_BOTTOM_LEFT]: "bl",
      [WidgetPosition.WIDGET_POSITION_TOP_RIGHT]: "tr",
      [WidgetPosition.WIDGET_POSITION_TOP_LEFT]: "tl",
    };
    const corner = corners[a?.position ?? WidgetPosition.WIDGET_POSITION_UNSPECIFIED] ?? "br";
    const dark = isDark(a?.colorScheme, !!this.systemDark?.matches);
    this.root.className = `root ${corner}${this.isOpen ? " open" : ""}${dark ? " dark" : ""}`;

    this.launcher.hidden = this.hiddenLauncher || !config || chat.unavailable;
    this.launcher.setAttribute("aria-expanded", String(this.isOpen));
    const unread = chat.unread;
    const label = this.isOpen
      ? t("closeChat")
      : unread
        ? `${t("openChat")} (${t("unread", { n: unread })})`
        : t("openChat");
    this.launcher.setAttribute("aria-label", label);
    this.launcher.title = label;
    this.launcherChat.hidden = this.isOpen;
    this.launcherClose.hidden = !this.isOpen;
    this.badge.hidden = unread === 0 || this.isOpen;
    this.badge.textContent = unread > 9 ? "9+" : String(unread);

    this.panel.hidden = !this.isOpen;
    if (!this.isOpen || !config) return;
    this.title.textContent = config.texts?.welcomeTitle || "Hi there!";
    // Who answers, truthfully: the bot as an AI assistant, the agent, or the team.
    const who = answerer(config, chat.conversation);
    const [on, status] =
      who.kind === "bot"
        ? [true, `${who.name ? `${who.name} · ` : ""}${t("aiAssistant")}`]
        : who.kind === "agent"
          ? [config.online, who.name]
          : who.kind === "waiting"
            ? [false, t("waitingTeam")]
            : [who.online, who.online ? t("online") : t("offline")];
    if (this.subtitle.textContent !== status || this.subtitle.dataset.on !== String(on)) {
      this.subtitle.dataset.on = String(on);
      this.subtitle.replaceChildren(h("span", { class: on ? "dot on" : "dot" }), status);
    }
    this.logo.hidden = !a?.logoUrl;
    if (a?.logoUrl && this.logo.getAttribute("src") !== a.logoUrl) this.logo.src = a.logoUrl;
    (this.panel.querySelector("[data-close]") as HTMLElement).setAttribute(
      "aria-label",
      t("closeChat"),
    );
    (this.panel.querySelector("[data-attach]") as HTMLElement).setAttribute(
      "aria-label",
      t("attach"),
    );
    (this.panel.querySelector("[data-send]") as HTMLElement).setAttribute("aria-label", t("send"));
    // Nobody answers now: the composer adds to the message left, and says so.
    this.input.placeholder =
      chat.expectation.kind === "away"
        ? t("addMore")
        : config.texts?.inputPlaceholder || "Type a message…";
    this.input.setAttribute("aria-label", this.input.placeholder);
    const mail = t("emailTranscript");
    this.mailButton.setAttribute("aria-label", mail);
    this.mailButton.title = mail;
    this.mailButton.hidden =
      chat.screen !== "chat" ||
      !chat.canEmailTranscript ||
      ended(chat.conversation?.status) ||
      chat.transcript.step === "open" ||
      chat.transcript.step === "sending";
    const list = t("conversations");
    this.listButton.setAttribute("aria-label", list);
    this.listButton.title = list;
    this.listButton.setAttribute("aria-pressed", String(chat.listing));
    this.listButton.hidden =
      !chat.conversations.length || !["chat", "offline", "list"].includes(chat.screen);
    this.brand.hidden = a ? !a.showBranding : false;
    this.brand.textContent = t("powered");

    this.conn.hidden = chat.connection === "live" || chat.screen !== "chat";
    this.conn.textContent = chat.connection === "connecting" ? t("connecting") : t("reconnecting");

    const screen = chat.screen;
    this.composer.hidden = screen !== "chat" || chat.readOnly;
    this.typingLine.hidden = screen !== "chat" || chat.readOnly;
    // The bot's growing answer shows itself; the line then speaks only to screen readers.
    const typing = chat.agentTyping
      ? t("typing", { name: chat.agentTyping.trim() || t("someone") })
      : "";
    const typingSig = `${chat.botDraft ? "sr" : ""}|${typing}`;
    if (this.typingLine.dataset.sig !== typingSig) {
      this.typingLine.dataset.sig = typingSig;
      this.typingLine.replaceChildren(chat.botDraft ? h("span", { class: "sr" }, typing) : typing);
    }
    const withBot = !!chat.conversation?.withBot && !ended(chat.conversation.status);
    this.botBar.hidden = screen !== "chat" || chat.readOnly || !withBot;
    this.botText.textContent = t("botNote", {
      name: (who.kind === "bot" && who.name) || t("aiAssistant"),
    });
    this.humanButton.textContent = t("human");
    this.progress.hidden = !chat.upload;
    if (chat.upload) {
      const pct = Math.round(chat.upload.fraction * 100);
      this.progress.replaceChildren(h("i", { style: `width:${pct}%` }));
      this.progress.setAttribute("role", "progressbar");
      this.progress.setAttribute("aria-valuenow", String(pct));
      this.progress.setAttribute("aria-label", t("uploading", { file: chat.upload.file, pct }));
    }
    const notice = chat.notice;
    const text =
      notice && notice in { tooBig: 1, badType: 1, uploadFailed: 1 }
        ? t(notice as TextKey, chat.noticeVars)
        : notice;
    this.error.hidden = !text || screen !== "chat";
    this.error.textContent = text;
    const wait = chat.slowDown ? t("slowDown", { s: chat.slowDown }) : "";
    this.wait.hidden = !wait || screen !== "chat";
    this.wait.textContent = wait;

    if (screen === "chat") this.renderChat();
    else if (screen === "list") this.renderList();
    else {
      // A form instead of the chat (e.g. the conversation ended meanwhile): nothing to restore.
      if (chat.historyLoaded) this.pendingScroll = undefined;
      this.renderForm(screen);
    }
  }

  private renderForm(screen: string): void {
    const { chat, t } = this;
    if (this.form?.screen !== screen) {
      this.rows.clear();
      const el =
        screen === "prechat"
          ? this.preChatForm()
          : screen === "offline"
            ? this.offlineForm()
            : h("div", { class: "note" }, screen === "loading" ? t("connecting") : t("cantStart"));
      this.form = { screen, el };
      // The greeting welcomes the visitor before the pre-chat questions, as in the chat, with
      // what automation says first (a proactive message, a guided flow's opening), without
      // its buttons: the questions come first.
      this.body.replaceChildren(
        ...(screen === "prechat"
          ? [h("div", { class: "row", "data-welcome": "" }, h("div", { class: "bubble" }))]
          : []),
        el,
      );
    }
    const welcome = this.body.querySelector("[data-welcome]");
    const bubble = welcome?.firstElementChild;
    if (bubble) bubble.textContent = this.greeting();
    const sig = `${this.assistantName()}|${chat.prompts.map((p) => p.text).join("\n")}`;
    if (welcome && this.form.sig !== sig) {
      this.form.sig = sig;
      for (const old of Array.from(this.body.querySelectorAll("[data-prompt]"))) old.remove();
      welcome.after(...chat.prompts.map((p) => this.promptRow(p.text)));
    }
    const error = this.form.el.querySelector(".e.server");
    if (error) {
      const text = chat.slowDown ? t("slowDown", { s: chat.slowDown }) : chat.notice;
      error.textContent = text;
      (error as HTMLElement).hidden = !text;
    }
  }

  /** Opens or closes the conversation list, focusing its first entry or the chat again. */
  private showList(open: boolean): void {
    const listing = this.chat.showConversations(open);
    if (!open) this.focusChat();
    else
      void listing.then(() =>
        (
          this.body.querySelector<HTMLElement>(".conv[aria-current=true]") ??
          this.body.querySelector<HTMLElement>(".list button")
        )?.focus(),
      );
  }

  /** Focus back in the chat: the composer, or (read only) what the end offers, or the list. */
  private focusChat(): void {
    const target = this.composer.hidden
      ? (this.body.querySelector<HTMLElement>("[data-end]") ?? this.listButton)
      : this.input;
    target.focus();
  }

  /** The visitor's conversations: date, state and last message of each; the chosen one opens. */
  private renderList(): void {
    const { chat, t } = this;
    const sig = `${chat.conversation?.id}|${chat.conversations.map((c) => `${c.id}:${c.status}:${c.lastSeq}`)}`;
    if (this.form?.screen !== "list" || this.form.sig !== sig) {
      this.rows.clear();
      const focused = (this.host.shadowRoot?.activeElement as HTMLElement | null)?.dataset
        .conversation;
      const date = new Intl.DateTimeFormat(t.locale, { dateStyle: "medium", timeStyle: "short" });
      const items = chat.conversations.map((c) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              class: "conv",
              type: "button",
              "data-conversation": c.id,
              "aria-current": c.id === chat.conversation?.id && "true",
              onclick: () => void chat.openConversation(c.id).then(() => this.focusChat()),
            },
            h(
              "span",
              { class: "d" },
              date.format(c.lastMessageTime ?? c.createTime ?? new Date()),
              " · ",
              h("b", {}, t(statusText(c.status))),
            ),
            h("span", { class: "pv", "data-preview": c.id }),
          ),
        ),
      );
      const el = h(
        "section",
        { class: "list", "aria-labelledby": "ph-list" },
        h("h3", { id: "ph-list" }, t("conversations")),
        items.length ? h("ul", {}, ...items) : h("p", { class: "sys" }, t("noConversations")),
        h(
          "div",
          { class: "acts" },
          !chat.conversations.some((c) => !ended(c.status)) &&
            h(
              "button",
              { class: "btn", type: "button", "data-new": "", onclick: () => this.startNew() },
              t("newConversation"),
            ),
          h(
            "button",
            { class: "btn2", type: "button", onclick: () => this.showList(false) },
            t("back"),
          ),
        ),
      );
      this.form = { screen: "list", el, sig };
      this.body.replaceChildren(el);
      // Rebuilt while the visitor is in it: focus stays on the same entry.
      if (focused)
        Array.from(el.querySelectorAll<HTMLElement>(".conv"))
          .find((b) => b.dataset.conversation === focused)
          ?.focus();
    }
    for (const span of Array.from(this.form.el.querySelectorAll<HTMLElement>("[data-preview]"))) {
      const preview = chat.previews.get(span.dataset.preview ?? "");
      const text = preview?.text
        ? preview.mine
          ? t("youSaid", { text: preview.text })
          : preview.text
        : "";
      if (span.textContent !== text) span.textContent = text;
    }
  }

  /** A new conversation, its first message written in the composer. */
  private startNew(): void {
    this.chat.startNew();
    this.focusChat();
  }

  private field(
    name: string,
    label: string,
    type: string,
    mode: PreChatField | "required",
  ): HTMLElement | false {
    if (
      mode === PreChatField.PRE_CHAT_FIELD_HIDDEN ||
      mode === PreChatField.PRE_CHAT_FIELD_UNSPECIFIED
    )
      return false;
    const required = mode === "required" || mode === PreChatField.PRE_CHAT_FIELD_REQUIRED;
    const control =
      type === "textarea"
        ? h("textarea", { name, required })
        : h("input", { name, type, required, autocomplete: name === "email" ? "email" : "name" });
    return h("label", {}, label, control);
  }

  private preChatForm(): HTMLElement {
    const { chat, t } = this;
    const fields = chat.preChatFields();
    const form: HTMLFormElement = h(
      "form",
      {
        class: "f",
        "data-prechat": "",
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          if (!this.check(form)) return;
          const data = new FormData(form);
          void chat.submitPreChat(String(data.get("name") ?? ""), String(data.get("email") ?? ""));
        },
      },
      h("p", {}, t("preChatIntro")),
      this.field("name", t("name"), "text", fields.name),
      this.field("email", t("email"), "email", fields.email),
      h("span", { class: "e server", role: "alert", hidden: true }),
      h("button", { class: "btn", type: "submit" }, t("start")),
    );
    return form;
  }

  private offlineForm(): HTMLElement {
    const { chat, t } = this;
    const form: HTMLFormElement = h(
      "form",
      {
        class: "f",
        "data-offline": "",
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          if (!this.check(form)) return;
          const data = new FormData(form);
          void chat.submitOffline(
            String(data.get("name") ?? ""),
            String(data.get("email") ?? ""),
            String(data.get("message") ?? ""),
          );
        },
      },
      h(
        "p",
        {},
        chat.config?.texts?.offlineMessage ||
          "We're away right now. Leave a message and we'll get back to you.",
      ),
      this.field("name", t("name"), "text", PreChatField.PRE_CHAT_FIELD_OPTIONAL),
      // Without e-mail from the server the answer comes here: the address is optional.
      chat.config?.emailEnabled
        ? this.field("email", t("email"), "email", "required")
        : this.field("email", t("emailOptional"), "email", PreChatField.PRE_CHAT_FIELD_OPTIONAL),
      this.field("message", t("message"), "textarea", "required"),
      h("span", { class: "e server", role: "alert", hidden: true }),
      h("button", { class: "btn", type: "submit" }, t("offlineSend")),
    );
    return form;
  }

  /** Checks required fields and e-mail shape in the browser, with errors beside the fields. */
  private check(form: HTMLFormElement): boolean {
    let ok = true;
    for (const el of Array.from(form.querySelectorAll("input,textarea")) as (
      | HTMLInputElement
      | HTMLTextAreaElement
    )[]) {
      el.parentElement?.querySelector(".e:not(.server)")?.remove();
      const value = el.value.trim();
      const problem =
        el.required && !value
          ? "required"
          : el.type === "email" && value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
            ? "badEmail"
            : "";
      el.setAttribute("aria-invalid", String(!!problem));
      if (problem) {
        const id = `e-${el.name}`;
        el.setAttribute("aria-describedby", id);
        el.after(h("span", { class: "e", id }, this.t(problem as TextKey)));
        if (ok) el.focus();
        ok = false;
      }
    }
    return ok;
  }

  private renderChat(): void {
    const { chat, t } = this;
    if (this.form) {
      this.form = undefined;
      this.body.replaceChildren();
    }
    const restoring = this.pendingScroll !== undefined;
    const nearEnd =
      !restoring && this.body.scrollHeight - this.body.scrollTop - this.body.clientHeight < 60;
    const wanted: HTMLElement[] = [];
    const keep = (key: string, sig: string, build: () => HTMLElement) => {
      let row = this.rows.get(key);
      if (!row || row.sig !== sig) {
        row = { el: build(), sig };
        this.rows.set(key, row);
      }
      wanted.push(row.el);
    };
    if (chat.hasMore) {
      keep("more", "", () =>
        h(
          "button",
          { class: "more", type: "button", onclick: () => void chat.loadEarlier() },
          t("earlier"),
        ),
      );
    }
    const greeting = this.greeting();
    keep("greeting", greeting, () =>
      h("div", { class: "row" }, h("div", { class: "bubble" }, greeting)),
    );
    const name = this.assistantName();
    chat.prompts.forEach((prompt, i) => {
      keep(`prompt${i}`, `${name}|${prompt.text}`, () => this.promptRow(prompt.text));
    });
    const readSeq = chat.conversation?.agentReadSeq ?? 0;
    const lastMine = [...chat.messages].reverse().find((m) => m.mine)?.key;
    for (const line of chat.messages) {
      const mark = line.mine ? deliveryMark(line, readSeq) : "";
      const showMark =
        line.mine && (line.key === lastMine || mark === "failed" || mark === "sending");
      const avatar =
        line.senderType === SenderType.SENDER_TYPE_BOT ? (chat.config?.bot?.avatarUrl ?? "") : "";
      keep(line.key, `${line.state}|${line.seq}|${showMark ? mark : ""}|${avatar}`, () =>
        this.messageRow(line, showMark ? mark : ""),
      );
    }
    const replies = chat.quickReplies;
    if (replies.length) keep("replies", replies.join("\n"), () => this.quickReplyRow(replies));
    const conv = chat.conversation;
    const expectation = chat.expectation;
    const draft = chat.botDraft;
    if (draft) keep("draft", `${draft.name}|${draft.text}`, () => this.draftRow(draft));
    if (expectation.kind === "queue") {
      // With a bot on the widget, "online" says the bot answers, not that a person is there.
      // The bot's widget tells a hand-over as plainly as the note while nobody answers.
      const team = !!chat.config?.bot;
      const text = t(team ? "queueTeam" : "queue", { n: expectation.position });
      keep("queue", text, () =>
        h("div", { class: team ? "away" : "sys", role: team && "status", "data-queue": "" }, text),
      );
    }
    if (expectation.kind === "away") {
      // Honest about when and where the answer comes: never a place in a queue nobody serves.
      const text = `${chat.offlineSent ? t("offlineThanks") : t("awayNow")} ${
        expectation.email
          ? t("awayEmail", { email: expectation.email })
          : expectation.offerEmail
            ? t("awayAsk")
            : t("awayHere")
      }`;
      const form = expectation.offerEmail && chat.awayEmailForm;
      keep("away", `${text}|${JSON.stringify(form)}`, () =>
        h(
          "div",
          { class: "away" },
          h("p", { role: "status", "data-away": "" }, text),
          form && this.awayEmailCard(form),
        ),
      );
    }
    if (chat.readOnly) keep("ended", "", () => h("div", { class: "sys" }, t("ended")));
    if (conv?.status === ConversationStatus.CONVERSATION_STATUS_RESOLVED) {
      const done = chat.rated || conv.rating > 0;
      keep("rate", `${done}`, () =>
        done ? h("div", { class: "sys", "data-rated": "" }, t("rated")) : this.ratingForm(),
      );
    }
    const transcript = chat.transcript;
    if (chat.canEmailTranscript) {
      if (transcript.step !== "closed")
        keep("transcript", JSON.stringify(transcript), () => this.transcriptCard(transcript));
      if (ended(conv?.status) && (transcript.step === "closed" || transcript.step === "sent"))
        keep("offer", "", () =>
          h(
            "button",
            { class: "btn2 offer", type: "button", onclick: () => this.openTranscript() },
            t("emailTranscript"),
          ),
        );
    }
    const end = chat.endAction;
    if (end)
      keep("end", end, () =>
        h(
          "button",
          {
            class: "btn2 end",
            type: "button",
            "data-end": end,
            onclick: () => {
              const open = chat.conversations.find((c) => !ended(c.status));
              if (end === "newConversation" || !open) this.startNew();
              else void chat.openConversation(open.id).then(() => this.focusChat());
            },
          },
          t(end),
        ),
      );
    // appendChild moves existing nodes, so unchanged rows keep their DOM (and loaded images).
    const current = Array.from(this.body.children);
    if (current.length !== wanted.length || current.some((el, i) => el !== wanted[i])) {
      this.body.replaceChildren(...wanted);
    }
    for (const key of this.rows.keys()) {
      const row = this.rows.get(key);
      if (row && !wanted.includes(row.el)) this.rows.delete(key);
    }
    if (this.pendingScroll !== undefined) {
      if (chat.historyLoaded) {
        this.fromEnd = this.pendingScroll;
        this.body.scrollTop = scrollTopFor(this.body, this.fromEnd);
        this.pendingScroll = undefined;
      }
    } else if (nearEnd) this.scrollToEnd();
    else if (this.isOpen && distanceFromEnd(this.body) !== this.fromEnd) {
      // Scrolled up while the list grew below: the visitor's place is further from the end.
      this.fromEnd = distanceFromEnd(this.body);
      this.memory?.write({ fromEnd: this.fromEnd });
    }
  }

  /** The widget's greeting, shown first in the chat and above the pre-chat form. */
  private greeting(): string {
    return this.chat.config?.texts?.welcomeMessage || "How can we help you today?";
  }

  private messageRow(line: Chat["messages"][number], mark: string): HTMLElement {
    const { t } = this;
    if (line.senderType === SenderType.SENDER_TYPE_SYSTEM)
      return h("div", { class: "sys" }, line.body);
    const bubble = this.bubble(line.body);
    const base = this.chat.baseUrl;
    for (const file of line.attachments) {
      const href = new URL(file.url, base).href;
      bubble.append(
        h(
          "a",
          { class: "att", href, target: "_blank", rel: "noopener noreferrer" },
          file.contentType.startsWith("image/")
            ? h("img", { src: href, alt: file.fileName })
            : h("span", { class: "file" }, `📎 ${file.fileName}`),
        ),
      );
    }
    if (!line.body && line.attachments.length === 0) bubble.hidden = true;
    // Automation (rules, guided flows) is no AI: no AI tag, and nothing it could cite.
    const bot = line.senderType === SenderType.SENDER_TYPE_BOT;
    const ai = bot && !line.automated;
    if (ai && line.citations.length) bubble.append(this.sourceList(line.citations));
    const who = line.mine ? "" : line.senderName || t("someone");
    const markEl =
      mark === "failed"
        ? h(
            "div",
            { class: "mark bad" },
            t("failed"),
            h("button", { type: "button", onclick: () => this.chat.retry(line.key) }, t("retry")),
          )
        : mark
          ? h("div", { class: "mark", "data-mark": mark }, t(mark as TextKey))
          : false;
    return h(
      "div",
      { class: line.mine ? "row me" : "row", "data-seq": String(line.seq) },
      who && (bot ? this.botWho(who, ai) : h("div", { class: "who" }, who)),
      bubble,
      markEl,
    );
  }

  /** A message's text in a bubble, with links made only from the safe parts of `linkify`. */
  private bubble(body: string): HTMLDivElement {
    const bubble = h("div", { class: "bubble" });
    for (const part of linkify(body)) {
      bubble.append(
        "href" in part
          ? h(
              "a",
              { href: part.href, target: "_blank", rel: "noopener noreferrer nofollow" },
              part.text,
            )
          : part.text,
      );
    }
    return bubble;
  }

  /** The name automated messages are shown with (the bot's name setting). */
  private assistantName(): string {
    return this.chat.config?.assistantName || this.t("someone");
  }

  /** An automated message shown before the conversation exists (`Chat.prompts`). */
  private promptRow(text: string): HTMLElement {
    return h(
      "div",
      { class: "row", "data-prompt": "" },
      this.botWho(this.assistantName(), false),
      this.bubble(text),
    );
  }

  /**
   * A guided flow's choices under its question: buttons that send their label as the
   * visitor's message (and go, as the answer is then the newest line). Pressed from the
   * keyboard, focus moves on to the composer; a tap leaves it (no keyboard popping up).
   */
  private quickReplyRow(replies: readonly string[]): HTMLElement {
    return h(
      "div",
      { class: "qr", role: "group", "aria-label": this.t("quickReplies"), "data-replies": "" },
      ...replies.map((label) =>
        h(
          "button",
          {
            type: "button",
            "aria-label": label,
            onclick: (e) => {
              if ((e as MouseEvent).detail === 0) this.input.focus();
              void this.chat.send(label);
            },
          },
          label,
        ),
      ),
    );
  }

  /**
   * The bot's name above its messages: its avatar (or initial), and that it is an AI unless
   * the message is automated (`ai` false).
   */
  private botWho(name: string, ai = true): HTMLElement {
    const letter = () => h("span", { class: "av", "aria-hidden": "true" }, initial(name));
    const src = webUrl(this.chat.config?.bot?.avatarUrl ?? "", this.chat.baseUrl);
    return h(
      "div",
      { class: "who" },
      src
        ? h("img", {
            class: "av",
            src,
            alt: "",
            onerror: (e) => (e.target as HTMLElement).replaceWith(letter()),
          })
        : letter(),
      name,
      ai && h("span", { class: "ai", title: this.t("aiAssistant") }, this.t("aiTag")),
    );
  }

  /** The articles a bot answer cites, numbered as its `[1]`, `[2]` markers. */
  private sourceList(citations: readonly Citation[]): HTMLElement {
    return h(
      "div",
      { class: "src", "data-sources": "" },
      h("p", {}, this.t("sources")),
      h(
        "ol",
        {},
        ...sources(citations).map((source) =>
          h(
            "li",
            {},
            source.href
              ? h(
                  "a",
                  { href: source.href, target: "_blank", rel: "noopener noreferrer" },
                  source.title,
                )
              : source.title,
          ),
        ),
      ),
    );
  }

  /**
   * The bot's answer as it is being written: a bubble that grows, with a caret. Hidden from
   * screen readers (the log would read every step; the typing line says the bot writes, and
   * the stored answer is read once it arrives).
   */
  private draftRow(draft: Draft): HTMLElement {
    const bubble = this.bubble(draft.text);
    bubble.append(h("span", { class: "caret" }));
    return h(
      "div",
      { class: "row", "data-draft": "", "aria-hidden": "true" },
      this.botWho(draft.name || this.t("aiAssistant")),
      bubble,
    );
  }

  /** "Talk to a person": hands the conversation over, then the composer has focus again. */
  private async handOver(): Promise<void> {
    this.humanButton.disabled = true;
    await this.chat.requestHuman();
    this.humanButton.disabled = false;
    this.input.focus();
  }

  /**
   * While nobody answers and the visitor gave no address: a field for one, so the answer goes
   * there too. Refused, the address keeps focus with the reason; taken, the composer has it.
   */
  private awayEmailCard(form: AwayEmailForm): HTMLFormElement {
    const { chat, t } = this;
    const el: HTMLFormElement = h(
      "form",
      {
        "data-away-email": "",
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          if (!this.check(el)) return;
          const email = String(new FormData(el).get("email")).trim();
          void chat.leaveEmail(email).then(() => {
            (
              this.body.querySelector<HTMLElement>("form[data-away-email] input") ?? this.input
            ).focus();
          });
        },
      },
      h("input", {
        name: "email",
        type: "email",
        required: true,
        autocomplete: "email",
        "aria-label": t("email"),
        placeholder: t("email"),
        value: form.email,
        disabled: form.sending,
      }),
      h(
        "button",
        { class: "btn", type: "submit", disabled: form.sending },
        form.sending ? t("sending") : t("awayEmailSave"),
      ),
      form.problem && h("span", { class: "e server", role: "alert" }, t(form.problem)),
    );
    return el;
  }

  /** Opens the transcript form at the end of the log, with the address field focused. */
  private openTranscript(): void {
    this.chat.showTranscriptForm(true);
    const input = this.body.querySelector<HTMLInputElement>("form[data-transcript] input");
    input?.scrollIntoView({ block: "nearest" });
    input?.focus();
  }

  /** The transcript form (address, Send, Cancel), sending, or the note that it was sent. */
  private transcriptCard(form: Exclude<TranscriptForm, { step: "closed" }>): HTMLElement {
    const { chat, t } = this;
    if (form.step === "sent")
      return h("div", { class: "sys", role: "status" }, t("transcriptSent", { email: form.email }));
    const sending = form.step === "sending";
    const problem = form.step === "open" ? form.problem : "";
    const el: HTMLFormElement = h(
      "form",
      {
        class: "f",
        "data-transcript": "",
        novalidate: true,
        "aria-label": t("emailTranscript"),
        onsubmit: (e) => {
          e.preventDefault();
          if (!this.check(el)) return;
          const email = String(new FormData(el).get("email")).trim();
          // The form comes back anew: refused, the address keeps focus; sent, the composer.
          void chat.emailTranscript(email).then(() => {
            (
              this.body.querySelector<HTMLElement>("form[data-transcript] input") ?? this.input
            ).focus();
          });
        },
      },
      h("p", { class: "h" }, t("emailTranscript")),
      h(
        "label",
        {},
        t("email"),
        h("input", {
          name: "email",
          type: "email",
          required: true,
          autocomplete: "email",
          value: form.email,
          disabled: sending,
        }),
      ),
      problem && h("span", { class: "e server", role: "alert" }, t(problem)),
      h(
        "div",
        { class: "acts" },
        h(
          "button",
          { class: "btn", type: "submit", disabled: sending },
          sending ? t("sending") : problem === "transcriptFailed" ? t("retry") : t("send"),
        ),
        h(
          "button",
          { class: "btn2", type: "button", onclick: () => chat.showTranscriptForm(false) },
          t("cancel"),
        ),
      ),
    );
    return el;
  }

  private ratingForm(): HTMLElement {
    const { chat, t } = this;
    this.stars = 0;
    const comment = h("textarea", {
      name: "comment",
      "aria-label": t("comment"),
      placeholder: t("comment"),
    });
    const stars = h("div", { class: "stars", role: "group", "aria-label": t("rate") });
    const buttons = [1, 2, 3, 4, 5].map((n) =>
      h(
        "button",
        {
          type: "button",
          "aria-label": t("rateStar", { n }),
          "aria-pressed": String(n <= this.stars),
          onclick: () => {
            this.stars = n;
            buttons.forEach((b, i) => {
              b.setAttribute("aria-pressed", String(i < n));
            });
          },
        },
        "★",
      ),
    );
    stars.append(...buttons);
    return h(
      "form",
      {
        class: "f",
        "data-rating": "",
        onsubmit: (e) => {
          e.preventDefault();
          if (this.stars > 0) void chat.rate(this.stars, comment.value);
        },
      },
      h("p", {}, t("resolved")),
      h("p", {}, t("rate")),
      stars,
      comment,
      h("button", { class: "btn", type: "submit" }, t("rateSend")),
    );
  }

  private autosize(): void {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(120, this.input.scrollHeight)}px`;
  }

  private scrollToEnd(): void {
    this.body.scrollTop = this.body.scrollHeight;
  }
}
