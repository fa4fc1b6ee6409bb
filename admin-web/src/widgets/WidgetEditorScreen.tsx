//! Editing one widget: every setting in sections beside a live preview; activation, embed
//! snippet with install steps, public token and identity secret. The open section is in the
//! URL (`?section=install`), so links can lead to one; a widget just created opens on
//! Install. Saving sends the settings whole (UpdateWidget replaces them) and shows the
//! server's field errors next to each field. "Who answers" also holds the AI bot's persona
//! when the bot answers (AI bot, Hybrid), with a warning when the server has no model, the
//! guided flow when a flow answers (`FlowEditor.tsx`), and which team its conversations go
//! to (`TeamChoice.tsx`).

import {
  type BotSettings,
  ColorScheme,
  HandlerType,
  PreChatField,
  type Widget,
  type WidgetAppearance,
  type WidgetBehavior,
  WidgetPosition,
  type WidgetSettings,
  type WidgetTexts,
} from "@porthole/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Eye, EyeOff, RefreshCw, Trash2 } from "lucide-react";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { botProblems, completeBot, DEFAULT_BOT_NAME, parseMaxTurns, usesBot } from "../bot/bot";
import { useBotStatus } from "../bot/queries";
import { Button } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { ConfirmDialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input, Select, Textarea } from "../components/ui/Field";
import { Badge, Card, CopyButton, EmptyState, Spinner } from "../components/ui/misc";
import { Switch } from "../components/ui/Switch";
import { toast, toastError } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { widgetClient } from "../lib/api";
import { describeError, formErrors } from "../lib/errors";
import { BotPersonaFields } from "./BotPersonaFields";
import { FlowEditor } from "./FlowEditor";
import {
  draftFlow,
  type FlowErrors,
  flowErrors,
  flowOf,
  flowProblems,
  type StepDraft,
} from "./flow";
import { HandlerChoice } from "./HandlerChoice";
import { InstallCard } from "./InstallGuide";
import { storeWidget, useWidget } from "./queries";
import { ReopenField } from "./ReopenField";
import {
  browserTimeZone,
  COLOR_SCHEMES,
  colorSchemeLabel,
  completeSettings,
  customReopenText,
  DAYS,
  DEFAULT_TEXTS,
  parseReopenMinutes,
  positionLabel,
  preChatLabel,
  reopenMinutes,
  timeZones,
} from "./settings";
import { TeamChoice } from "./TeamChoice";
import { WidgetPreview } from "./WidgetPreview";

const SECTIONS = [
  ["appearance", "Appearance"],
  ["texts", "Texts"],
  ["behavior", "Behaviour"],
  ["hours", "Business hours"],
  ["routing", "Who answers"],
  ["install", "Install & security"],
] as const;
type Section = (typeof SECTIONS)[number][0];

function isSection(value: string | null): value is Section {
  return SECTIONS.some(([id]) => id === value);
}

export function WidgetEditorScreen() {
  const { widgetId = "" } = useParams();
  const widget = useWidget(widgetId);
  if (widget.isPending) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner className="size-5" />
      </div>
    );
  }
  if (!widget.data) {
    return (
      <EmptyState title="This widget could not be loaded" className="h-full">
        {widget.error ? describeError(widget.error) : null}
        <div className="mt-3">
          <Link to="/widgets" className="font-medium text-brand-600">
            All widgets
          </Link>
        </div>
      </EmptyState>
    );
  }
  return <Editor key={widget.data.id} widget={widget.data} />;
}

function Editor({ widget }: { widget: Widget }) {
  const qc = useQueryClient();
  const [name, setName] = useState(widget.name);
  const [settings, setSettings] = useState<WidgetSettings>(() => completeSettings(widget.settings));
  const [domains, setDomains] = useState(() => widget.settings?.allowedDomains.join("\n") ?? "");
  const [params, setParams] = useSearchParams();
  const wanted = params.get("section");
  const section: Section = isSection(wanted) ? wanted : "appearance";
  const setSection = (next: Section) =>
    setParams(next === "appearance" ? {} : { section: next }, { replace: true });
  // Set by the widget list when it has just created this widget.
  const created = (useLocation().state as { created?: boolean } | null)?.created === true;
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  // Custom minutes of the quiet period as typed (undefined while a preset is chosen).
  const [reopenCustom, setReopenCustom] = useState(() =>
    customReopenText(reopenMinutes(widget.settings?.behavior)),
  );
  // The bot's answers per conversation as typed.
  const [turnsText, setTurnsText] = useState(() =>
    String(completeBot(widget.settings?.bot).maxTurns),
  );
  // The guided flow's steps as edited (`flow.ts`), and the server's refusals placed on them.
  const [flowSteps, setFlowSteps] = useState<StepDraft[]>(() => draftFlow(widget.settings?.flow));
  const [flowRefusals, setFlowRefusals] = useState<FlowErrors>({ steps: {} });
  const workflow = settings.handlerType === HandlerType.WORKFLOW;
  // Whether the server has a model, for the bot's section (this screen is for admins).
  const botStatus = useBotStatus();
  // What the form itself refuses to send, by request path; shown at the field as typed.
  const reopenParsed = reopenCustom === undefined ? undefined : parseReopenMinutes(reopenCustom);
  const refused: Record<string, string> = {
    ...(reopenParsed && "error" in reopenParsed ? { [REOPEN_PATH]: reopenParsed.error } : {}),
    ...(usesBot(settings.handlerType)
      ? botProblems(settings.bot ?? completeBot(undefined), turnsText)
      : {}),
    ...(workflow ? flowProblems(flowSteps, true) : {}),
  };

  const pristine = useMemo(() => completeSettings(widget.settings), [widget.settings]);
  const domainList = domains
    .split(/[\n,]/)
    .map((d) => d.trim())
    .filter(Boolean);
  const full: WidgetSettings = { ...settings, allowedDomains: domainList, flow: flowOf(flowSteps) };
  // The preview reposts on every change of what it is given: the same object until one.
  const previewSettings = useMemo(
    () => ({ ...settings, flow: flowOf(flowSteps) }),
    [settings, flowSteps],
  );
  const dirty =
    name !== widget.name ||
    Object.keys(refused).length > 0 ||
    JSON.stringify(toPlain(full)) !==
      JSON.stringify(
        toPlain({
          ...pristine,
          allowedDomains: widget.settings?.allowedDomains ?? [],
          // Through the editor's own form, so a stored flow compares as the editor sends it.
          flow: flowOf(draftFlow(pristine.flow)),
        }),
      );

  // Warn before leaving the page with unsaved changes.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const save = useMutation({
    // The variables: the flow's steps as sent, to place the server's refusals on them.
    mutationFn: (_sent: StepDraft[]) =>
      widgetClient.updateWidget({ widgetId: widget.id, name, settings: full }),
    onSuccess: (res) => {
      setErrors({ fields: {} });
      storeWidget(qc, res.widget);
      if (res.widget) {
        setSettings(completeSettings(res.widget.settings));
        setDomains(res.widget.settings?.allowedDomains.join("\n") ?? "");
        setTurnsText(String(completeBot(res.widget.settings?.bot).maxTurns));
        setFlowSteps(draftFlow(res.widget.settings?.flow));
      }
      setFlowRefusals({ steps: {} });
      toast("Widget saved");
    },
    onError: (e, sent) => {
      const next = formErrors(e);
      setErrors(next);
      setFlowRefusals(flowErrors(next.fields, sent));
      const first = Object.keys(next.fields)[0];
      if (first) setSection(sectionOf(first));
    },
  });

  const err = (path: string) => errors.fields[path];
  // A field's own refusal as typed first, else the server's.
  const fieldError = (path: string) => refused[path] ?? errors.fields[path];
  const errPrefix = (prefix: string) =>
    Object.entries(errors.fields).find(
      ([k]) => k === prefix || k.startsWith(`${prefix}.`) || k.startsWith(`${prefix}[`),
    )?.[1];

  const setAppearance = (patch: Partial<WidgetAppearance>) =>
    setSettings((s) => ({ ...s, appearance: { ...(s.appearance as WidgetAppearance), ...patch } }));
  const setTexts = (patch: Partial<WidgetTexts>) =>
    setSettings((s) => ({ ...s, texts: { ...(s.texts as WidgetTexts), ...patch } }));
  const setBehavior = (patch: Partial<WidgetBehavior>) =>
    setSettings((s) => ({ ...s, behavior: { ...(s.behavior as WidgetBehavior), ...patch } }));
  const setBot = (patch: Partial<BotSettings>) =>
    setSettings((s) => ({ ...s, bot: { ...(s.bot ?? completeBot(undefined)), ...patch } }));
  const setTurns = (text: string) => {
    setTurnsText(text);
    const parsed = parseMaxTurns(text);
    if ("turns" in parsed) setBot({ maxTurns: parsed.turns });
  };

  const a = settings.appearance as WidgetAppearance;
  const t = settings.texts as WidgetTexts;
  const b = settings.behavior as WidgetBehavior;
  const hours = settings.businessHours;
  const sectionErrors = (s: Section) =>
    [...Object.keys(errors.fields), ...Object.keys(refused)].some((k) => sectionOf(k) === s);

  return (
    <div className="flex h-full flex-col">
      <header className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-4 py-3 sm:px-6 dark:border-zinc-800">
        <Link
          to="/widgets"
          aria-label="All widgets"
          className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          <ArrowLeft className="size-4" />
        </Link>
        <div className="min-w-0 flex-1">
          <input
            aria-label="Widget name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            className="w-full max-w-md rounded-md bg-transparent px-1 text-base font-semibold tracking-tight hover:bg-zinc-50 focus:bg-white focus:ring-2 focus:ring-brand-500 focus:outline-none dark:hover:bg-zinc-900 dark:focus:bg-zinc-900"
          />
          {err("name") && <p className="px-1 text-xs text-red-600">{err("name")}</p>}
        </div>
        <ActiveToggle widget={widget} />
        <Button
          variant={dirty ? "primary" : "secondary"}
          disabled={!dirty}
          loading={save.isPending}
          onClick={() => {
            const first = Object.keys(refused)[0];
            if (first) setSection(sectionOf(first));
            else save.mutate(flowSteps);
          }}
        >
          {dirty ? "Save changes" : "Saved"}
        </Button>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {/* minmax(0, 1fr): the preview is drawn as wide as its column, so its width must
            not hold the column open when the window narrows. */}
        <div className="mx-auto grid max-w-6xl grid-cols-[minmax(0,1fr)] gap-8 px-4 py-6 sm:px-6 lg:grid-cols-[minmax(0,1fr)_minmax(300px,440px)]">
          <div className="min-w-0">
            <nav aria-label="Widget settings" className="-mx-1 mb-5 flex flex-wrap gap-1">
              {SECTIONS.map(([id, label]) => (
                <button
                  key={id}
                  type="button"
                  aria-current={section === id ? "page" : undefined}
                  onClick={() => setSection(id)}
                  className={cn(
                    "relative shrink-0 rounded-md px-3 py-1.5 text-[13px] font-medium",
                    section === id
                      ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-white"
                      : "text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-200",
                  )}
                >
                  {label}
                  {sectionErrors(id) && (
                    <span className="absolute top-1 right-1 size-1.5 rounded-full bg-red-500" />
                  )}
                </button>
              ))}
            </nav>
            <FormAlert>{errors.form}</FormAlert>
            {section === "appearance" && (
              <Card>
                <div className="grid gap-5 sm:grid-cols-2">
                  <ColorField
                    label="Main colour"
                    hint="Launcher, header and the visitor's bubbles."
                    value={a.primaryColor}
                    onChange={(v) => setAppearance({ primaryColor: v })}
                    error={err("settings.appearance.primary_color")}
                  />
                  <ColorField
                    label="Text on main colour"
                    value={a.textColor}
                    onChange={(v) => setAppearance({ textColor: v })}
                    error={err("settings.appearance.text_color")}
                  />
                  <Field label="Position" error={err("settings.appearance.position")}>
                    {(p) => (
                      <Select
                        {...p}
                        value={a.position || WidgetPosition.BOTTOM_RIGHT}
                        onChange={(e) =>
                          setAppearance({ position: Number(e.target.value) as WidgetPosition })
                        }
                      >
                        {[
                          WidgetPosition.BOTTOM_RIGHT,
                          WidgetPosition.BOTTOM_LEFT,
                          WidgetPosition.TOP_RIGHT,
                          WidgetPosition.TOP_LEFT,
                        ].map((pos) => (
                          <option key={pos} value={pos}>
                            {positionLabel[pos]}
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                  <ColorSchemeField
                    value={a.colorScheme}
                    onChange={(colorScheme) => setAppearance({ colorScheme })}
                    error={err("settings.appearance.color_scheme")}
                  />
                  <Field
                    label="Font"
                    hint="A CSS font list; empty uses the site's system font."
                    error={err("settings.appearance.font_family")}
                  >
                    {(p) => (
                      <Input
                        {...p}
                        placeholder="Inter, sans-serif"
                        value={a.fontFamily}
                        onChange={(e) => setAppearance({ fontFamily: e.target.value })}
                      />
                    )}
                  </Field>
                  <RangeField
                    label="Corner radius"
                    unit="px"
                    min={0}
                    max={32}
                    value={a.borderRadius ?? 12}
                    onChange={(v) => setAppearance({ borderRadius: v })}
                    error={err("settings.appearance.border_radius")}
                  />
                  <RangeField
                    label="Launcher size"
                    unit="px"
                    min={40}
                    max={96}
                    value={a.launcherSize || 60}
                    onChange={(v) => setAppearance({ launcherSize: v })}
                    error={err("settings.appearance.launcher_size")}
                  />
                  <Field
                    label="Logo URL"
                    hint="HTTPS image shown in the header."
                    error={err("settings.appearance.logo_url")}
                    className="sm:col-span-2"
                  >
                    {(p) => (
                      <Input
                        {...p}
                        type="url"
                        placeholder="https://example.com/logo.png"
                        value={a.logoUrl}
                        onChange={(e) => setAppearance({ logoUrl: e.target.value })}
                      />
                    )}
                  </Field>
                  <div className="sm:col-span-2">
                    <Switch
                      checked={a.showBranding}
                      onCheckedChange={(v) => setAppearance({ showBranding: v })}
                      label="Show “Powered by Porthole”"
                    />
                  </div>
                </div>
              </Card>
            )}
            {section === "texts" && (
              <Card>
                <div className="space-y-5">
                  <Field label="Welcome title" error={err("settings.texts.welcome_title")}>
                    {(p) => (
                      <Input
                        {...p}
                        placeholder={DEFAULT_TEXTS.welcomeTitle}
                        value={t.welcomeTitle}
                        onChange={(e) => setTexts({ welcomeTitle: e.target.value })}
                      />
                    )}
                  </Field>
                  <Field label="Welcome message" error={err("settings.texts.welcome_message")}>
                    {(p) => (
                      <Textarea
                        {...p}
                        rows={2}
                        placeholder={DEFAULT_TEXTS.welcomeMessage}
                        value={t.welcomeMessage}
                        onChange={(e) => setTexts({ welcomeMessage: e.target.value })}
                      />
                    )}
                  </Field>
                  <Field label="Input placeholder" error={err("settings.texts.input_placeholder")}>
                    {(p) => (
                      <Input
                        {...p}
                        placeholder={DEFAULT_TEXTS.inputPlaceholder}
                        value={t.inputPlaceholder}
                        onChange={(e) => setTexts({ inputPlaceholder: e.target.value })}
                      />
                    )}
                  </Field>
                  <Field
                    label="Offline message"
                    hint="Shown outside business hours or when nobody is online, above the leave-a-message form."
                    error={err("settings.texts.offline_message")}
                  >
                    {(p) => (
                      <Textarea
                        {...p}
                        rows={3}
                        placeholder={DEFAULT_TEXTS.offlineMessage}
                        value={t.offlineMessage}
                        onChange={(e) => setTexts({ offlineMessage: e.target.value })}
                      />
                    )}
                  </Field>
                </div>
              </Card>
            )}
            {section === "behavior" && (
              <Card>
                <div className="space-y-5">
                  <div className="grid gap-5 sm:grid-cols-2">
                    <PreChatSelect
                      label="Ask for the name"
                      value={b.preChatName}
                      onChange={(v) => setBehavior({ preChatName: v })}
                      error={err("settings.behavior.pre_chat_name")}
                    />
                    <PreChatSelect
                      label="Ask for the e-mail"
                      value={b.preChatEmail}
                      onChange={(v) => setBehavior({ preChatEmail: v })}
                      error={err("settings.behavior.pre_chat_email")}
                    />
                  </div>
                  <Switch
                    checked={b.soundEnabled}
                    onCheckedChange={(v) => setBehavior({ soundEnabled: v })}
                    label="Sound on new messages"
                    description="The widget chimes when an agent replies."
                  />
                  <ReopenField
                    value={reopenMinutes(b)}
                    custom={reopenCustom}
                    onChange={(reopenWithinMinutes) => setBehavior({ reopenWithinMinutes })}
                    onCustom={setReopenCustom}
                    error={err(REOPEN_PATH)}
                  />
                </div>
              </Card>
            )}
            {section === "hours" && hours && (
              <Card>
                <div className="space-y-5">
                  <Switch
                    checked={hours.enabled}
                    onCheckedChange={(v) =>
                      setSettings((s) => ({
                        ...s,
                        businessHours: {
                          ...hours,
                          enabled: v,
                          timeZone: hours.timeZone || browserTimeZone(),
                        },
                      }))
                    }
                    label="Use business hours"
                    description="Outside them the widget shows the offline message and form. Without them it is online whenever an agent is."
                  />
                  {hours.enabled && (
                    <>
                      <Field label="Time zone" error={err("settings.business_hours.time_zone")}>
                        {(p) => (
                          <Select
                            {...p}
                            value={hours.timeZone}
                            onChange={(e) =>
                              setSettings((s) => ({
                                ...s,
                                businessHours: { ...hours, timeZone: e.target.value },
                              }))
                            }
                          >
                            {!hours.timeZone && <option value="">Choose a time zone</option>}
                            {timeZones().map((z) => (
                              <option key={z} value={z}>
                                {z.replaceAll("_", " ")}
                              </option>
                            ))}
                          </Select>
                        )}
                      </Field>
                      <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
                        {DAYS.map((d) => {
                          const day = hours[d];
                          if (!day) return null;
                          const setDay = (patch: Partial<typeof day>) =>
                            setSettings((s) => ({
                              ...s,
                              businessHours: { ...hours, [d]: { ...day, ...patch } },
                            }));
                          const dayError = errPrefix(`settings.business_hours.${d}`);
                          return (
                            <div key={d} className="py-2.5">
                              <div className="flex flex-wrap items-center gap-3">
                                <label className="flex w-32 items-center gap-2 text-[13px] font-medium capitalize">
                                  <input
                                    type="checkbox"
                                    checked={day.enabled}
                                    onChange={(e) => setDay({ enabled: e.target.checked })}
                                    className="size-4 rounded accent-brand-600"
                                  />
                                  {d}
                                </label>
                                {day.enabled ? (
                                  <div className="flex items-center gap-2">
                                    <Input
                                      type="time"
                                      aria-label={`${d} opens`}
                                      className="w-28"
                                      value={day.start}
                                      onChange={(e) => setDay({ start: e.target.value })}
                                      invalid={Boolean(dayError)}
                                    />
                                    <span className="text-zinc-400">–</span>
                                    <Input
                                      type="time"
                                      aria-label={`${d} closes`}
                                      className="w-28"
                                      value={day.end === "24:00" ? "23:59" : day.end}
                                      onChange={(e) => setDay({ end: e.target.value })}
                                      invalid={Boolean(dayError)}
                                    />
                                  </div>
                                ) : (
                                  <span className="text-[13px] text-zinc-400">Closed</span>
                                )}
                              </div>
                              {dayError && (
                                <p className="mt-1 ml-32 text-xs font-medium text-red-600">
                                  {dayError}
                                </p>
                              )}
                            </div>
                          );
                        })}
                      </div>
                    </>
                  )}
                </div>
              </Card>
            )}
            {section === "routing" && (
              <div className="space-y-6">
                <Card>
                  <HandlerChoice
                    value={settings.handlerType}
                    onChange={(handlerType: HandlerType) =>
                      setSettings((s) => ({ ...s, handlerType }))
                    }
                    error={err("settings.handler_type")}
                  />
                </Card>
                <Card>
                  <TeamChoice
                    value={settings.teamId}
                    onChange={(teamId) => setSettings((s) => ({ ...s, teamId }))}
                    error={err("settings.team_id")}
                  />
                </Card>
                {workflow && (
                  <FlowEditor
                    steps={flowSteps}
                    onChange={setFlowSteps}
                    errors={flowRefusals}
                    refused={refused}
                    assistantName={settings.bot?.name || DEFAULT_BOT_NAME}
                    widgetTeamId={settings.teamId}
                  />
                )}
                {usesBot(settings.handlerType) && (
                  <BotPersonaFields
                    bot={settings.bot ?? completeBot(undefined)}
                    onChange={setBot}
                    turnsText={turnsText}
                    onTurnsText={setTurns}
                    error={fieldError}
                    status={botStatus.data}
                  />
                )}
              </div>
            )}
            {section === "install" && (
              <div className="space-y-6">
                <InstallCard widget={widget} created={created} />
                <Card
                  title="Allowed websites"
                  description="Only pages on these domains may show the widget; checked by the server. One per line; *.example.com allows subdomains. Empty allows any site."
                >
                  <Field label="Domains" error={domainErrors(errors.fields, domainList)}>
                    {(p) => (
                      <Textarea
                        {...p}
                        rows={4}
                        className="font-mono text-[13px]"
                        placeholder={"example.com\n*.example.com\nlocalhost:3000"}
                        value={domains}
                        onChange={(e) => setDomains(e.target.value)}
                      />
                    )}
                  </Field>
                </Card>
                <IdentityCard widget={widget} />
                <DangerCard widget={widget} />
              </div>
            )}
          </div>
          <aside className="lg:sticky lg:top-6 lg:self-start">
            <p className="mb-2 flex items-center gap-2 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">
              Live preview {dirty && <Badge tone="amber">Unsaved</Badge>}
            </p>
            <WidgetPreview settings={previewSettings} />
          </aside>
        </div>
      </div>
    </div>
  );
}

/** The request path of the quiet period, as the server names it in a field violation. */
const REOPEN_PATH = "settings.behavior.reopen_within_minutes";

/** Settings as JSON-comparable data (bigint-free). */
function toPlain(s: WidgetSettings): unknown {
  return JSON.parse(JSON.stringify(s, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/** The server names bad domains by index; say which entry is wrong. */
function domainErrors(fields: Record<string, string>, domains: string[]): string | undefined {
  const messages = Object.entries(fields).flatMap(([path, message]) => {
    if (path === "settings.allowed_domains") return [message];
    const index = /^settings\.allowed_domains\[(\d+)\]$/.exec(path)?.[1];
    return index === undefined ? [] : [`“${domains[Number(index)] ?? ""}” ${message}`];
  });
  return messages.length > 0 ? messages.join(" · ") : undefined;
}

function sectionOf(path: string): Section {
  if (path.startsWith("settings.appearance")) return "appearance";
  if (path.startsWith("settings.texts")) return "texts";
  if (path.startsWith("settings.behavior")) return "behavior";
  if (path.startsWith("settings.business_hours")) return "hours";
  if (
    path.startsWith("settings.handler_type") ||
    path.startsWith("settings.bot") ||
    path.startsWith("settings.team_id") ||
    path.startsWith("settings.flow")
  ) {
    return "routing";
  }
  if (path.startsWith("settings.allowed_domains")) return "install";
  return "appearance";
}

function ColorField({
  label,
  hint,
  value,
  onChange,
  error,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  const valid = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value);
  const six =
    valid && value.length === 4 ? `#${[...value.slice(1)].map((c) => c + c).join("")}` : value;
  return (
    <Field label={label} hint={hint} error={error}>
      {(p) => (
        <div className="flex gap-2">
          <input
            type="color"
            aria-label={`${label} picker`}
            value={valid ? six : "#000000"}
            onChange={(e) => onChange(e.target.value)}
            className="h-9 w-11 shrink-0 cursor-pointer rounded-lg border border-zinc-300 bg-white p-1 dark:border-zinc-700 dark:bg-zinc-900"
          />
          <Input
            {...p}
            className="font-mono"
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        </div>
      )}
    </Field>
  );
}

function ColorSchemeField({
  value,
  onChange,
  error,
}: {
  value: ColorScheme;
  onChange: (value: ColorScheme) => void;
  error?: string | undefined;
}) {
  const current = value === ColorScheme.UNSPECIFIED ? ColorScheme.AUTO : value;
  return (
    <fieldset className="space-y-1.5">
      <legend className="mb-1.5 block text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
        Colour scheme
      </legend>
      <div className="flex h-9 gap-0.5 rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-800/60">
        {COLOR_SCHEMES.map((scheme) => (
          <label
            key={scheme}
            className={cn(
              "relative flex flex-1 cursor-pointer items-center justify-center rounded-md text-[13px] font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500",
              current === scheme
                ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-700 dark:text-white"
                : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
            )}
          >
            <input
              type="radio"
              name="color-scheme"
              className="sr-only"
              checked={current === scheme}
              onChange={() => onChange(scheme)}
            />
            {colorSchemeLabel[scheme]}
          </label>
        ))}
      </div>
      {error ? (
        <p className="text-xs text-red-600">{error}</p>
      ) : (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Auto follows each visitor's light or dark system setting.
        </p>
      )}
    </fieldset>
  );
}

function RangeField({
  label,
  unit,
  min,
  max,
  value,
  onChange,
  error,
}: {
  label: string;
  unit: string;
  min: number;
  max: number;
  value: number;
  onChange: (v: number) => void;
  error?: string | undefined;
}) {
  return (
    <Field
      label={
        <span className="flex justify-between">
          {label}{" "}
          <span className="font-normal text-zinc-500 tabular-nums">
            {value}
            {unit}
          </span>
        </span>
      }
      error={error}
    >
      {(p) => (
        <input
          {...p}
          type="range"
          min={min}
          max={max}
          value={value}
          onChange={(e) => onChange(Number(e.target.value))}
          className="h-9 w-full accent-brand-600"
        />
      )}
    </Field>
  );
}

function PreChatSelect({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: PreChatField;
  onChange: (v: PreChatField) => void;
  error?: string | undefined;
}) {
  return (
    <Field label={label} error={error}>
      {(p) => (
        <Select
          {...p}
          value={value || PreChatField.HIDDEN}
          onChange={(e) => onChange(Number(e.target.value) as PreChatField)}
        >
          {[PreChatField.HIDDEN, PreChatField.OPTIONAL, PreChatField.REQUIRED].map((f) => (
            <option key={f} value={f}>
              {preChatLabel[f]}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

function ActiveToggle({ widget }: { widget: Widget }) {
  const qc = useQueryClient();
  const toggle = useMutation({
    mutationFn: (active: boolean) => widgetClient.setWidgetActive({ widgetId: widget.id, active }),
    onSuccess: (res) => {
      storeWidget(qc, res.widget);
      toast(res.widget?.active ? "Widget activated" : "Widget deactivated", {
        description: res.widget?.active
          ? "It shows on your site again."
          : "Your site no longer shows it.",
      });
    },
    onError: (e) => toastError("Could not change the widget", describeError(e)),
  });
  return (
    <div className="flex items-center gap-2">
      <Switch
        checked={widget.active}
        disabled={toggle.isPending}
        onCheckedChange={(v) => toggle.mutate(v)}
        label={<span className="text-xs">{widget.active ? "Active" : "Inactive"}</span>}
      />
    </div>
  );
}

function IdentityCard({ widget }: { widget: Widget }) {
  const qc = useQueryClient();
  const [shown, setShown] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const secret = useQuery({
    queryKey: ["identity-secret", widget.id],
    queryFn: () => widgetClient.getIdentitySecret({ widgetId: widget.id }),
    enabled: shown,
  });
  const rotate = useMutation({
    mutationFn: () => widgetClient.rotateIdentitySecret({ widgetId: widget.id }),
    onSuccess: (res) => {
      qc.setQueryData(["identity-secret", widget.id], res);
      setShown(true);
      setConfirm(false);
      toast("Identity secret rotated", {
        description: "Update your site's backend with the new secret.",
      });
    },
    onError: (e) => toastError("Could not rotate the secret", describeError(e)),
  });
  return (
    <Card
      title="Identity verification"
      description="Your backend signs each signed-in user's id with this secret (hex HMAC-SHA256), so nobody can pretend to be one of your users. Keep it on your server."
    >
      <div className="flex flex-wrap items-center gap-2">
        <code
          className="min-w-0 flex-1 truncate rounded-lg bg-zinc-100 px-3 py-2 font-mono text-xs dark:bg-zinc-800"
          data-testid="identity-secret"
        >
          {shown ? (secret.data?.identitySecret ?? "…") : "•".repeat(32)}
        </code>
        <Button size="sm" onClick={() => setShown((s) => !s)}>
          {shown ? <EyeOff className="size-3.5" /> : <Eye className="size-3.5" />}
          {shown ? "Hide" : "Reveal"}
        </Button>
        {shown && secret.data && <CopyButton text={secret.data.identitySecret} />}
        <Button size="sm" variant="ghost" onClick={() => setConfirm(true)}>
          <RefreshCw className="size-3.5" /> Rotate
        </Button>
      </div>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Rotate the identity secret?"
        description="Signatures made with the current secret stop working at once: signed-in users are refused until your backend uses the new secret."
        confirmLabel="Rotate secret"
        danger
        pending={rotate.isPending}
        onConfirm={() => rotate.mutate()}
      />
    </Card>
  );
}

function DangerCard({ widget }: { widget: Widget }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<"token" | "delete" | undefined>();
  const regenerate = useMutation({
    mutationFn: () => widgetClient.regenerateWidgetToken({ widgetId: widget.id }),
    onSuccess: (res) => {
      storeWidget(qc, res.widget);
      setDialog(undefined);
      toast("New token created", { description: "Replace the snippet on your site." });
    },
    onError: (e) => toastError("Could not regenerate the token", describeError(e)),
  });
  const remove = useMutation({
    mutationFn: () => widgetClient.deleteWidget({ widgetId: widget.id }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: keys.widget(widget.id) });
      void qc.invalidateQueries({ queryKey: keys.widgets });
      void qc.invalidateQueries({ queryKey: keys.setupProgress });
      toast("Widget deleted");
      navigate("/widgets");
    },
    onError: (e) => toastError("Could not delete the widget", describeError(e)),
  });
  return (
    <Card title="Danger zone">
      <div className="space-y-4">
        <Row
          title="Regenerate public token"
          description="Pages embedding the current snippet stop showing the widget until you paste the new one."
          action={
            <Button size="sm" onClick={() => setDialog("token")}>
              <RefreshCw className="size-3.5" /> Regenerate
            </Button>
          }
        />
        <Row
          title="Delete widget"
          description="Its token stops working at once. Conversations stay in the inbox."
          action={
            <Button
              size="sm"
              variant="ghost"
              className="text-red-600 hover:bg-red-50 hover:text-red-700 dark:text-red-400 dark:hover:bg-red-500/10"
              onClick={() => setDialog("delete")}
            >
              <Trash2 className="size-3.5" /> Delete
            </Button>
          }
        />
      </div>
      <ConfirmDialog
        open={dialog === "token"}
        onOpenChange={(o) => setDialog(o ? "token" : undefined)}
        title="Regenerate the public token?"
        description="The widget disappears from every page that embeds the current snippet until you replace it with the new one. This cannot be undone."
        confirmLabel="Regenerate token"
        danger
        pending={regenerate.isPending}
        onConfirm={() => regenerate.mutate()}
      />
      <ConfirmDialog
        open={dialog === "delete"}
        onOpenChange={(o) => setDialog(o ? "delete" : undefined)}
        title={`Delete “${widget.name}”?`}
        description="The widget disappears from your site at once. This cannot be undone."
        confirmLabel="Delete widget"
        danger
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </Card>
  );
}

function Row({
  title,
  description,
  action,
}: {
  title: string;
  description: string;
  action: ReactNode;
}) {
  return (
    <div className="flex items-center justify-between gap-4">
      <div>
        <p className="text-[13px] font-medium">{title}</p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">{description}</p>
      </div>
      {action}
    </div>
  );
}
