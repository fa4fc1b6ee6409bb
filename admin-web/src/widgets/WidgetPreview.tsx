//! A faithful static preview of the widget from its settings: the launcher in its corner and
//! the open panel with header, greeting, a sample exchange, pre-chat form or offline note.

import { PreChatField, WidgetPosition, type WidgetSettings } from "@porthole/client";
import { MessageCircle, X } from "lucide-react";
import { useState } from "react";
import { cn } from "../components/ui/cn";
import { DEFAULT_TEXTS } from "./settings";

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

export function WidgetPreview({ settings }: { settings: WidgetSettings }) {
  const [mode, setMode] = useState<"chat" | "prechat" | "offline">("chat");
  const a = settings.appearance;
  const t = settings.texts;
  const b = settings.behavior;
  const primary = a?.primaryColor && HEX.test(a.primaryColor) ? a.primaryColor : "#1f6feb";
  const onPrimary = a?.textColor && HEX.test(a.textColor) ? a.textColor : "#ffffff";
  const radius = Math.max(0, Math.min(32, a?.borderRadius ?? 12));
  const launcher = Math.max(40, Math.min(96, a?.launcherSize || 60));
  const position = a?.position || WidgetPosition.BOTTOM_RIGHT;
  const left = position === WidgetPosition.BOTTOM_LEFT || position === WidgetPosition.TOP_LEFT;
  const top = position === WidgetPosition.TOP_RIGHT || position === WidgetPosition.TOP_LEFT;
  const font = a?.fontFamily || "inherit";
  const askName =
    b && b.preChatName !== PreChatField.HIDDEN && b.preChatName !== PreChatField.UNSPECIFIED;
  const askEmail =
    b && b.preChatEmail !== PreChatField.HIDDEN && b.preChatEmail !== PreChatField.UNSPECIFIED;

  return (
    <div>
      <fieldset
        aria-label="Preview state"
        className="mb-3 flex gap-1 rounded-lg bg-zinc-100 p-0.5 text-xs dark:bg-zinc-900"
      >
        {(
          [
            ["chat", "Conversation"],
            ["prechat", "Pre-chat form"],
            ["offline", "Offline"],
          ] as const
        ).map(([value, label]) => (
          <button
            key={value}
            type="button"
            aria-pressed={mode === value}
            onClick={() => setMode(value)}
            className={cn(
              "flex-1 rounded-md px-2 py-1 font-medium",
              mode === value ? "bg-white shadow-sm dark:bg-zinc-700" : "text-zinc-500",
            )}
          >
            {label}
          </button>
        ))}
      </fieldset>
      <div
        data-testid="widget-preview"
        className="relative h-[560px] overflow-hidden rounded-xl bg-[linear-gradient(135deg,#f4f4f5_25%,transparent_25%,transparent_50%,#f4f4f5_50%,#f4f4f5_75%,transparent_75%)] bg-[length:24px_24px] ring-1 ring-zinc-200 dark:bg-[linear-gradient(135deg,#18181b_25%,transparent_25%,transparent_50%,#18181b_50%,#18181b_75%,transparent_75%)] dark:ring-zinc-800"
        style={{ fontFamily: font }}
      >
        <div
          className={cn(
            "absolute flex w-[300px] flex-col gap-3",
            left ? "left-4 items-start" : "right-4 items-end",
            top ? "top-4 flex-col-reverse" : "bottom-4",
          )}
        >
          <div
            className="flex h-[430px] w-full flex-col overflow-hidden bg-white text-zinc-900 shadow-2xl ring-1 ring-black/5"
            style={{ borderRadius: radius }}
          >
            <div className="px-4 pt-4 pb-5" style={{ background: primary, color: onPrimary }}>
              <div className="flex items-center gap-2">
                {a?.logoUrl ? (
                  <img
                    src={a.logoUrl}
                    alt=""
                    className="size-7 rounded-full bg-white/20 object-cover"
                  />
                ) : (
                  <span className="flex size-7 items-center justify-center rounded-full bg-white/20 text-xs font-semibold">
                    <MessageCircle className="size-4" />
                  </span>
                )}
                <span className="text-[15px] font-semibold">
                  {t?.welcomeTitle || DEFAULT_TEXTS.welcomeTitle}
                </span>
                <X className="ml-auto size-4 opacity-80" />
              </div>
              <p className="mt-2 text-[13px] opacity-90">
                {t?.welcomeMessage || DEFAULT_TEXTS.welcomeMessage}
              </p>
            </div>
            <div className="flex min-h-0 flex-1 flex-col gap-2 overflow-hidden p-3 text-[13px]">
              {mode === "offline" ? (
                <div
                  className="rounded-lg bg-zinc-100 p-3 text-zinc-700"
                  style={{ borderRadius: Math.min(radius, 16) }}
                >
                  {t?.offlineMessage || DEFAULT_TEXTS.offlineMessage}
                  <div className="mt-3 space-y-2">
                    <div className="h-8 rounded-md border border-zinc-200 bg-white px-2 text-xs leading-8 text-zinc-400">
                      Your e-mail
                    </div>
                    <div className="h-14 rounded-md border border-zinc-200 bg-white px-2 pt-1.5 text-xs text-zinc-400">
                      Your message
                    </div>
                    <div
                      className="h-8 rounded-md text-center text-xs leading-8 font-medium"
                      style={{ background: primary, color: onPrimary }}
                    >
                      Leave a message
                    </div>
                  </div>
                </div>
              ) : mode === "prechat" ? (
                <div className="space-y-2 rounded-lg bg-zinc-50 p-3">
                  <p className="text-xs text-zinc-600">Before we start, tell us who you are.</p>
                  {askName || askEmail ? (
                    <>
                      {askName && (
                        <div className="h-8 rounded-md border border-zinc-200 bg-white px-2 text-xs leading-8 text-zinc-400">
                          Name{b?.preChatName === PreChatField.REQUIRED ? " *" : " (optional)"}
                        </div>
                      )}
                      {askEmail && (
                        <div className="h-8 rounded-md border border-zinc-200 bg-white px-2 text-xs leading-8 text-zinc-400">
                          E-mail{b?.preChatEmail === PreChatField.REQUIRED ? " *" : " (optional)"}
                        </div>
                      )}
                      <div
                        className="h-8 rounded-md text-center text-xs leading-8 font-medium"
                        style={{ background: primary, color: onPrimary }}
                      >
                        Start chat
                      </div>
                    </>
                  ) : (
                    <p className="text-xs text-zinc-400 italic">
                      The pre-chat form is off: visitors start chatting at once.
                    </p>
                  )}
                </div>
              ) : (
                <>
                  <div
                    className="max-w-[80%] self-start bg-zinc-100 px-3 py-2"
                    style={{ borderRadius: Math.min(radius, 18) }}
                  >
                    Hello! Any question about our plans?
                  </div>
                  <div
                    className="max-w-[80%] self-end px-3 py-2"
                    style={{
                      background: primary,
                      color: onPrimary,
                      borderRadius: Math.min(radius, 18),
                    }}
                  >
                    Yes — do you offer yearly billing?
                  </div>
                  <div
                    className="max-w-[80%] self-start bg-zinc-100 px-3 py-2"
                    style={{ borderRadius: Math.min(radius, 18) }}
                  >
                    We do, with two months free.
                  </div>
                </>
              )}
            </div>
            <div className="border-t border-zinc-100 p-2.5">
              <div className="flex h-9 items-center rounded-lg bg-zinc-50 px-3 text-[13px] text-zinc-400 ring-1 ring-zinc-200">
                {t?.inputPlaceholder || DEFAULT_TEXTS.inputPlaceholder}
              </div>
              {a?.showBranding && (
                <p className="mt-1.5 text-center text-[10px] text-zinc-400">Powered by Porthole</p>
              )}
            </div>
          </div>
          <div
            role="img"
            aria-label="Launcher preview"
            className="flex items-center justify-center rounded-full shadow-lg"
            style={{ width: launcher, height: launcher, background: primary, color: onPrimary }}
          >
            <MessageCircle style={{ width: launcher * 0.45, height: launcher * 0.45 }} />
          </div>
        </div>
      </div>
    </div>
  );
}
