//! The guided flow of a "Guided flow" widget (`settings.flow`; issue 16 item 8), under "Who
//! answers": an ordered list of steps, each with its id, its kind and the fields that kind
//! uses — the text; a question's answers, each going to a step; what a collect step asks
//! for and the attribute it fills; a branch's attribute and cases; attributes to set; the
//! team a route hands to; where it goes next ("the next one" unless chosen). Steps are
//! added from a menu of kinds, moved up and down and removed (whatever pointed at a removed
//! step goes to the next one). Above them, the opening as a visitor sees it before writing.
//! The server's violations (`settings.flow.steps[2].next`) and the editor's own refusals
//! (ids) show at the step and field they name (`flow.ts`).

import { FlowField, FlowStepKind } from "@porthole/client";
import {
  ArrowDown,
  ArrowUp,
  Flag,
  GitBranch,
  ListChecks,
  type LucideIcon,
  MessageSquare,
  Plus,
  Tags,
  TextCursorInput,
  Trash2,
  Users,
  Wand2,
  X,
} from "lucide-react";
import { type ReactNode, useId } from "react";
import { Button, IconButton } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Field, FormAlert, Input, Select, Textarea } from "../components/ui/Field";
import { MenuContent, MenuItem, MenuRoot, MenuTrigger } from "../components/ui/Menu";
import { Card } from "../components/ui/misc";
import { useTeams } from "../team/queries";
import { teamLabel } from "../team/teams";
import {
  blankStep,
  errorAt,
  exampleFlow,
  FIELDS,
  FLOW_LIMITS,
  type FlowErrors,
  fieldAttribute,
  fieldLabel,
  flowErrors,
  flowOpening,
  moveStep,
  newAttribute,
  newCase,
  newChoice,
  newStepId,
  otherErrors,
  type Prompt,
  removeStep,
  STEP_KINDS,
  type StepDraft,
  type StepErrors,
  type StepRef,
  stepKindLabel,
  usesNext,
  usesText,
} from "./flow";

export const STEP_ICONS: Record<FlowStepKind, LucideIcon> = {
  [FlowStepKind.UNSPECIFIED]: MessageSquare,
  [FlowStepKind.MESSAGE]: MessageSquare,
  [FlowStepKind.QUESTION]: ListChecks,
  [FlowStepKind.COLLECT]: TextCursorInput,
  [FlowStepKind.BRANCH]: GitBranch,
  [FlowStepKind.SET_ATTRIBUTES]: Tags,
  [FlowStepKind.ROUTE]: Users,
  [FlowStepKind.END]: Flag,
};

export function FlowEditor({
  steps,
  onChange,
  errors,
  refused,
  assistantName,
  widgetTeamId,
}: {
  steps: StepDraft[];
  onChange: (steps: StepDraft[]) => void;
  /** The server's violations, placed on the steps as they were sent. */
  errors: FlowErrors;
  /** What the editor refuses as typed, by request path (`settings.flow.steps[1].id`). */
  refused: Record<string, string>;
  /** The name automated messages are shown with. */
  assistantName: string;
  /** The widget's own team ("Send conversations to"), where a route step hands by default. */
  widgetTeamId: string;
}) {
  const teams = useTeams();
  const own = flowErrors(refused, steps);
  const flowError = own.flow ?? errors.flow;
  const stepErrors = (key: string): StepErrors | undefined => {
    const a = own.steps[key];
    const b = errors.steps[key];
    return a || b ? { ...b, ...a } : undefined;
  };
  const update = (key: string, patch: Partial<StepDraft>) =>
    onChange(steps.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  const add = (kind: FlowStepKind) => onChange([...steps, blankStep(kind, newStepId(kind, steps))]);
  const full = steps.length >= FLOW_LIMITS.steps;
  const widgetTeam = teamLabel(widgetTeamId, teams.data ?? []);

  return (
    <Card
      title="Guided flow"
      description="The steps a visitor is taken through when they start a conversation. Its messages are automated; answers are saved on the visitor and shown to agents beside the conversation."
    >
      <div className="space-y-5">
        <FlowOpeningPreview opening={flowOpening(steps)} name={assistantName} />
        {flowError && <FormAlert>{flowError}</FormAlert>}
        {steps.length === 0 ? (
          <div className="rounded-lg border border-dashed border-zinc-300 px-4 py-8 text-center dark:border-zinc-700">
            <p className="text-sm font-medium">No steps yet</p>
            <p className="mx-auto mt-1 max-w-sm text-[13px] text-zinc-500 dark:text-zinc-400">
              Start with a question and its answers, or from an example you can change.
            </p>
            <div className="mt-4 flex flex-wrap justify-center gap-2">
              <Button onClick={() => onChange(exampleFlow())}>
                <Wand2 className="size-4" /> Start from an example
              </Button>
              <AddStepMenu onAdd={add} variant="primary" />
            </div>
          </div>
        ) : (
          <>
            <ol aria-label="Flow steps" className="space-y-3">
              {steps.map((step, i) => (
                <StepCard
                  key={step.key}
                  step={step}
                  index={i}
                  steps={steps}
                  errors={stepErrors(step.key)}
                  teams={teams.data ?? []}
                  widgetTeam={widgetTeam}
                  onChange={(patch) => update(step.key, patch)}
                  onMove={(by) => onChange(moveStep(steps, i, by))}
                  onRemove={() => onChange(removeStep(steps, step.key))}
                />
              ))}
            </ol>
            <div className="flex flex-wrap items-center gap-3">
              <AddStepMenu onAdd={add} disabled={full} />
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                {full
                  ? `A flow has at most ${FLOW_LIMITS.steps} steps.`
                  : "Running past the last step hands the conversation to your agents."}
              </span>
            </div>
          </>
        )}
      </div>
    </Card>
  );
}

function AddStepMenu({
  onAdd,
  disabled,
  variant = "secondary",
}: {
  onAdd: (kind: FlowStepKind) => void;
  disabled?: boolean;
  variant?: "primary" | "secondary";
}) {
  return (
    <MenuRoot>
      <MenuTrigger asChild disabled={disabled}>
        <Button variant={variant}>
          <Plus className="size-4" /> Add step
        </Button>
      </MenuTrigger>
      <MenuContent className="w-80">
        {STEP_KINDS.map((kind) => {
          const Icon = STEP_ICONS[kind];
          return (
            <MenuItem key={kind} onSelect={() => onAdd(kind)}>
              <Icon className="size-4 shrink-0 self-start text-zinc-400" aria-hidden />
              <span className="min-w-0">
                <span className="block font-medium">{stepKindLabel[kind].label}</span>
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                  {stepKindLabel[kind].description}
                </span>
              </span>
            </MenuItem>
          );
        })}
      </MenuContent>
    </MenuRoot>
  );
}

/** How the opening looks in the widget: automated messages, the answers as buttons. */
export function FlowOpeningPreview({ opening, name }: { opening: Prompt[]; name: string }) {
  return (
    <figure
      aria-label="What visitors see first"
      className="rounded-lg bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-950/40 dark:ring-zinc-800"
    >
      <figcaption className="mb-2 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">
        What visitors see first
      </figcaption>
      {opening.length === 0 ? (
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
          Nothing: the flow starts with a step that waits on the visitor's details. Begin with a
          message or a question.
        </p>
      ) : (
        <div className="flex flex-col items-start gap-1.5">
          <span className="px-1 text-[11px] font-medium text-zinc-500 dark:text-zinc-400">
            {name} · Automated
          </span>
          {opening.map((prompt, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a preview, redrawn whole
            <div key={i} className="flex max-w-[85%] flex-col items-start gap-1.5">
              <p className="rounded-2xl rounded-tl-md bg-white px-3 py-1.5 text-[13px] whitespace-pre-wrap text-zinc-800 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-700">
                {prompt.text || <span className="text-zinc-400 italic">(no text yet)</span>}
              </p>
              {prompt.quickReplies.length > 0 && (
                <ul aria-label="Answers offered" className="flex flex-wrap gap-1.5">
                  {prompt.quickReplies.map((label) => (
                    <li
                      key={label}
                      className="rounded-full bg-white px-2.5 py-1 text-xs font-medium text-brand-700 ring-1 ring-brand-300 dark:bg-zinc-900 dark:text-brand-300 dark:ring-brand-700"
                    >
                      {label}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ))}
        </div>
      )}
    </figure>
  );
}

function StepCard({
  step,
  index,
  steps,
  errors,
  teams,
  widgetTeam,
  onChange,
  onMove,
  onRemove,
}: {
  step: StepDraft;
  index: number;
  steps: StepDraft[];
  errors: StepErrors | undefined;
  teams: { id: string; name: string }[];
  widgetTeam: string;
  onChange: (patch: Partial<StepDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const Icon = STEP_ICONS[step.kind];
  const kind = step.kind;
  const text = usesText(kind);
  const at = (field: string) => errorAt(errors, field);
  // The fields this kind shows; violations of others are listed under the header.
  const shown = ["id", "next"];
  if (text) shown.push("text");
  if (kind === FlowStepKind.QUESTION) shown.push("choices", "attribute");
  if (kind === FlowStepKind.COLLECT) shown.push("field", "attribute", "invalid_text");
  if (kind === FlowStepKind.BRANCH) shown.push("attribute", "cases");
  if (kind === FlowStepKind.SET_ATTRIBUTES) shown.push("attributes");
  if (kind === FlowStepKind.ROUTE) shown.push("team_id");
  const other = otherErrors(errors, shown);
  const name = `Step ${index + 1}`;
  return (
    <li
      aria-label={name}
      data-step-id={step.id}
      className={cn(
        "rounded-lg bg-white ring-1 dark:bg-zinc-900",
        errors ? "ring-red-300 dark:ring-red-500/50" : "ring-zinc-200 dark:ring-zinc-800",
      )}
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-100 px-3 py-2 dark:border-zinc-800">
        <span
          aria-hidden
          className="flex size-6 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-[11px] font-semibold text-zinc-600 tabular-nums dark:bg-zinc-800 dark:text-zinc-300"
        >
          {index + 1}
        </span>
        <span
          aria-hidden
          className="flex size-7 shrink-0 items-center justify-center rounded-md bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-300"
        >
          <Icon className="size-4" />
        </span>
        {/* Widths on wrappers: the controls are w-full. */}
        <div className="w-36 shrink-0">
          <Select
            aria-label={`${name} kind`}
            className="text-[13px] font-medium"
            value={kind}
            onChange={(e) => {
              const next = Number(e.target.value) as FlowStepKind;
              const fresh = blankStep(next, step.id);
              // What the new kind needs and the step lacks starts as a blank step's.
              onChange({
                kind: next,
                ...(next === FlowStepKind.QUESTION && step.choices.length === 0
                  ? { choices: fresh.choices }
                  : {}),
                ...(next === FlowStepKind.COLLECT && step.field === FlowField.UNSPECIFIED
                  ? { field: fresh.field, attribute: step.attribute || fresh.attribute }
                  : {}),
                ...(next === FlowStepKind.BRANCH && step.cases.length === 0
                  ? { cases: fresh.cases }
                  : {}),
                ...(next === FlowStepKind.SET_ATTRIBUTES && step.attributes.length === 0
                  ? { attributes: fresh.attributes }
                  : {}),
              });
            }}
          >
            {STEP_KINDS.map((k) => (
              <option key={k} value={k}>
                {stepKindLabel[k].label}
              </option>
            ))}
            {kind === FlowStepKind.UNSPECIFIED && (
              <option value={FlowStepKind.UNSPECIFIED}>Choose what it does</option>
            )}
          </Select>
        </div>
        <span className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
          <span aria-hidden>id</span>
          <span className="w-28">
            <Input
              aria-label={`${name} id`}
              aria-invalid={at("id") ? true : undefined}
              invalid={Boolean(at("id"))}
              spellCheck={false}
              autoComplete="off"
              maxLength={FLOW_LIMITS.id}
              className="font-mono text-[12.5px]"
              value={step.id}
              onChange={(e) => onChange({ id: e.target.value.toLowerCase() })}
            />
          </span>
        </span>
        <div className="ml-auto flex gap-0.5">
          <IconButton
            size="sm"
            label={`Move ${name} up`}
            disabled={index === 0}
            onClick={() => onMove(-1)}
          >
            <ArrowUp className="size-3.5" />
          </IconButton>
          <IconButton
            size="sm"
            label={`Move ${name} down`}
            disabled={index === steps.length - 1}
            onClick={() => onMove(1)}
          >
            <ArrowDown className="size-3.5" />
          </IconButton>
          <IconButton size="sm" label={`Remove ${name}`} onClick={onRemove}>
            <Trash2 className="size-3.5" />
          </IconButton>
        </div>
        {(at("id") || other) && (
          <p role="alert" className="w-full text-xs font-medium text-red-600 dark:text-red-400">
            {[at("id") && `Id: ${at("id")}`, other].filter(Boolean).join(" · ")}
          </p>
        )}
      </header>
      <div className="space-y-4 p-3">
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {stepKindLabel[kind].description}
        </p>
        {text && (
          <Field
            label={
              kind === FlowStepKind.QUESTION
                ? "Question"
                : kind === FlowStepKind.COLLECT
                  ? "What to ask"
                  : text === "optional"
                    ? "Message (optional)"
                    : "Message"
            }
            error={at("text")}
          >
            {(p) => (
              <Textarea
                {...p}
                rows={2}
                maxLength={FLOW_LIMITS.text}
                placeholder={textPlaceholder(kind)}
                value={step.text}
                onChange={(e) => onChange({ text: e.target.value })}
              />
            )}
          </Field>
        )}
        {kind === FlowStepKind.QUESTION && (
          <ChoicesField
            step={step}
            index={index}
            steps={steps}
            errors={errors}
            onChange={onChange}
          />
        )}
        {kind === FlowStepKind.COLLECT && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Accepts" error={at("field")}>
              {(p) => (
                <Select
                  {...p}
                  value={step.field}
                  onChange={(e) => {
                    const field = Number(e.target.value) as FlowField;
                    const wasDefault =
                      step.attribute === "" || step.attribute === fieldAttribute[step.field];
                    onChange({
                      field,
                      ...(wasDefault ? { attribute: fieldAttribute[field] } : {}),
                    });
                  }}
                >
                  {step.field === FlowField.UNSPECIFIED && (
                    <option value={FlowField.UNSPECIFIED}>Choose</option>
                  )}
                  {FIELDS.map((f) => (
                    <option key={f} value={f}>
                      {fieldLabel[f]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <AttributeField
              label="Save as attribute"
              value={step.attribute}
              onChange={(attribute) => onChange({ attribute })}
              error={at("attribute")}
              placeholder="email"
            />
            <Field
              label="When the answer is not valid, say (optional)"
              hint="Empty: a sentence naming what is expected. The question is asked again."
              error={at("invalid_text")}
              className="sm:col-span-2"
            >
              {(p) => (
                <Input
                  {...p}
                  maxLength={FLOW_LIMITS.text}
                  placeholder="That doesn't look like an e-mail address. Please try again."
                  value={step.invalidText}
                  onChange={(e) => onChange({ invalidText: e.target.value })}
                />
              )}
            </Field>
          </div>
        )}
        {kind === FlowStepKind.BRANCH && (
          <BranchFields
            step={step}
            index={index}
            steps={steps}
            errors={errors}
            onChange={onChange}
          />
        )}
        {kind === FlowStepKind.SET_ATTRIBUTES && (
          <AttributesField step={step} errors={errors} onChange={onChange} />
        )}
        {kind === FlowStepKind.ROUTE && (
          <Field
            label="Hand to"
            hint="Its members are offered the conversation; it waits in the team's own line."
            error={at("team_id")}
          >
            {(p) => (
              <Select
                {...p}
                className="sm:w-72"
                value={step.teamId}
                onChange={(e) => onChange({ teamId: e.target.value })}
              >
                <option value="">The widget's team ({widgetTeam})</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
                {step.teamId && !teams.some((t) => t.id === step.teamId) && (
                  <option value={step.teamId}>(deleted team)</option>
                )}
              </Select>
            )}
          </Field>
        )}
        {(usesNext(kind) || kind === FlowStepKind.QUESTION) && (
          <div className="grid gap-4 sm:grid-cols-2">
            {kind === FlowStepKind.QUESTION && (
              <AttributeField
                label="Save the answer as attribute"
                hint="Optional: the chosen label is kept on the visitor."
                value={step.attribute}
                onChange={(attribute) => onChange({ attribute })}
                error={at("attribute")}
                placeholder="topic"
              />
            )}
            {usesNext(kind) && (
              <NextSelect
                label={
                  kind === FlowStepKind.QUESTION
                    ? "Other answers"
                    : kind === FlowStepKind.BRANCH
                      ? "When no case matches, go to"
                      : "Then go to"
                }
                value={step.next}
                owner={index}
                steps={steps}
                emptyLabel={kind === FlowStepKind.QUESTION ? "Ask the question again" : undefined}
                onChange={(next) => onChange({ next })}
                error={at("next")}
              />
            )}
          </div>
        )}
      </div>
    </li>
  );
}

function textPlaceholder(kind: FlowStepKind): string {
  switch (kind) {
    case FlowStepKind.QUESTION:
      return "What can we help you with?";
    case FlowStepKind.COLLECT:
      return "What's your e-mail address?";
    case FlowStepKind.ROUTE:
      return "Connecting you with the team…";
    case FlowStepKind.END:
      return "Thanks, and have a good day!";
    default:
      return "Hi! I'll ask a couple of questions to get you to the right person.";
  }
}

/** "The next one (3. email)" for references in step `owner`, or the hand-over at the end. */
function nextOneLabel(owner: number, steps: StepDraft[]): string {
  const following = steps[owner + 1];
  return following
    ? `The next one (${owner + 2}. ${following.id || "no id"})`
    : "Hand over to the agents (no step after this)";
}

function stepOption(s: StepDraft, i: number): string {
  return `${i + 1}. ${s.id || "no id"} · ${stepKindLabel[s.kind].label}`;
}

function NextSelect({
  label,
  value,
  owner,
  steps,
  emptyLabel,
  onChange,
  error,
  className,
  labelHidden,
}: {
  label: string;
  value: StepRef;
  owner: number;
  steps: StepDraft[];
  emptyLabel?: string | undefined;
  onChange: (ref: StepRef) => void;
  error?: string | undefined;
  className?: string;
  labelHidden?: boolean;
}) {
  const select = (p: Record<string, unknown>) => (
    <Select {...p} value={value} onChange={(e) => onChange(e.target.value)} className={className}>
      <option value="">{emptyLabel ?? nextOneLabel(owner, steps)}</option>
      {steps.map((s, i) =>
        i === owner ? null : (
          <option key={s.key} value={s.key}>
            {stepOption(s, i)}
          </option>
        ),
      )}
      {value.startsWith("missing:") && (
        <option value={value}>(missing step “{value.slice("missing:".length)}”)</option>
      )}
    </Select>
  );
  if (labelHidden) {
    return select({
      "aria-label": label,
      ...(error ? { "aria-invalid": true, invalid: true } : {}),
    });
  }
  return (
    <Field label={label} error={error}>
      {(p) => select(p)}
    </Field>
  );
}

function AttributeField({
  label,
  value,
  onChange,
  error,
  placeholder,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  placeholder: string;
  hint?: string;
}) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(p) => (
        <Input
          {...p}
          spellCheck={false}
          autoComplete="off"
          maxLength={FLOW_LIMITS.attributeKey}
          className="font-mono text-[13px]"
          placeholder={placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A list of rows under a legend, with the list's violation and a row to add. */
function RowsFieldset({
  legend,
  hint,
  error,
  children,
  addLabel,
  onAdd,
  canAdd,
}: {
  legend: string;
  hint?: string;
  error?: string | undefined;
  children: ReactNode;
  addLabel: string;
  onAdd: () => void;
  canAdd: boolean;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}>
      <legend className="mb-1.5 text-[13px] font-medium text-zinc-700 dark:text-zinc-300">
        {legend}
      </legend>
      <div className="space-y-2">{children}</div>
      {canAdd && (
        <Button size="sm" variant="ghost" className="mt-1 -ml-2" onClick={onAdd}>
          <Plus className="size-3.5" /> {addLabel}
        </Button>
      )}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs font-medium text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : (
        hint && (
          <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            {hint}
          </p>
        )
      )}
    </fieldset>
  );
}

function ChoicesField({
  step,
  index,
  steps,
  errors,
  onChange,
}: {
  step: StepDraft;
  index: number;
  steps: StepDraft[];
  errors: StepErrors | undefined;
  onChange: (patch: Partial<StepDraft>) => void;
}) {
  const set = (key: string, patch: Partial<StepDraft["choices"][number]>) =>
    onChange({ choices: step.choices.map((c) => (c.key === key ? { ...c, ...patch } : c)) });
  return (
    <RowsFieldset
      legend="Answers"
      hint="Shown as buttons; the visitor may also type one. Each goes to the step you choose."
      error={errors?.choices}
      addLabel="Add answer"
      canAdd={step.choices.length < FLOW_LIMITS.choices}
      onAdd={() => onChange({ choices: [...step.choices, newChoice()] })}
    >
      {step.choices.map((choice, j) => {
        const labelError = errors?.[`choices[${j}].label`];
        const nextError = errors?.[`choices[${j}].next`];
        return (
          <div key={choice.key}>
            <div className="flex flex-wrap items-center gap-2 sm:flex-nowrap">
              <Input
                aria-label={`Answer ${j + 1}`}
                aria-invalid={Boolean(labelError) || undefined}
                invalid={Boolean(labelError)}
                maxLength={FLOW_LIMITS.label}
                className="min-w-0 flex-1 basis-40"
                placeholder={j === 0 ? "Sales" : j === 1 ? "Support" : "Another answer"}
                value={choice.label}
                onChange={(e) => set(choice.key, { label: e.target.value })}
              />
              <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">goes to</span>
              <NextSelect
                label={`Answer ${j + 1} goes to`}
                labelHidden
                value={choice.next}
                owner={index}
                steps={steps}
                onChange={(next) => set(choice.key, { next })}
                error={nextError}
                className="min-w-0 flex-1 basis-48"
              />
              <IconButton
                size="sm"
                label={`Remove answer ${j + 1}`}
                disabled={step.choices.length <= 1}
                onClick={() =>
                  onChange({ choices: step.choices.filter((c) => c.key !== choice.key) })
                }
              >
                <X className="size-3.5" />
              </IconButton>
            </div>
            {(labelError || nextError) && (
              <p className="mt-1 text-xs font-medium text-red-600 dark:text-red-400">
                {[labelError, nextError].filter(Boolean).join(" · ")}
              </p>
            )}
          </div>
        );
      })}
    </RowsFieldset>
  );
}

function BranchFields({
  step,
  index,
  steps,
  errors,
  onChange,
}: {
  step: StepDraft;
  index: number;
  steps: StepDraft[];
  errors: StepErrors | undefined;
  onChange: (patch: Partial<StepDraft>) => void;
}) {
  const set = (key: string, patch: Partial<StepDraft["cases"][number]>) =>
    onChange({ cases: step.cases.map((c) => (c.key === key ? { ...c, ...patch } : c)) });
  return (
    <>
      <AttributeField
        label="Attribute"
        hint="A visitor attribute: set by your site, or by an earlier step."
        value={step.attribute}
        onChange={(attribute) => onChange({ attribute })}
        error={errorAt(errors, "attribute")}
        placeholder="plan"
      />
      <RowsFieldset
        legend="Cases, tried in order"
        error={errors?.cases}
        addLabel="Add case"
        canAdd={step.cases.length < FLOW_LIMITS.cases}
        onAdd={() => onChange({ cases: [...step.cases, newCase()] })}
      >
        {step.cases.map((c, j) => {
          const problems = [errors?.[`cases[${j}].equals`], errors?.[`cases[${j}].next`]].filter(
            Boolean,
          );
          return (
            <div key={c.key}>
              <div className="flex flex-wrap items-center gap-2 sm:flex-nowrap">
                <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">equals</span>
                <Input
                  aria-label={`Case ${j + 1} value`}
                  aria-invalid={problems.length > 0 || undefined}
                  invalid={problems.length > 0}
                  maxLength={FLOW_LIMITS.attributeValue}
                  className="min-w-0 flex-1 basis-32"
                  placeholder="pro"
                  value={c.equals}
                  onChange={(e) => set(c.key, { equals: e.target.value })}
                />
                <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">go to</span>
                <NextSelect
                  label={`Case ${j + 1} goes to`}
                  labelHidden
                  value={c.next}
                  owner={index}
                  steps={steps}
                  emptyLabel="Choose a step"
                  onChange={(next) => set(c.key, { next })}
                  error={errors?.[`cases[${j}].next`]}
                  className="min-w-0 flex-1 basis-48"
                />
                <IconButton
                  size="sm"
                  label={`Remove case ${j + 1}`}
                  onClick={() => onChange({ cases: step.cases.filter((x) => x.key !== c.key) })}
                >
                  <X className="size-3.5" />
                </IconButton>
              </div>
              {problems.length > 0 && (
                <p className="mt-1 text-xs font-medium text-red-600 dark:text-red-400">
                  {problems.join(" · ")}
                </p>
              )}
            </div>
          );
        })}
      </RowsFieldset>
    </>
  );
}

function AttributesField({
  step,
  errors,
  onChange,
}: {
  step: StepDraft;
  errors: StepErrors | undefined;
  onChange: (patch: Partial<StepDraft>) => void;
}) {
  const set = (key: string, patch: Partial<StepDraft["attributes"][number]>) =>
    onChange({ attributes: step.attributes.map((a) => (a.key === key ? { ...a, ...patch } : a)) });
  const error = errorAt(errors, "attributes");
  return (
    <RowsFieldset
      legend="Attributes to set"
      hint="Saved on the visitor; rules and branches can check them, agents see them."
      error={error}
      addLabel="Add attribute"
      canAdd={step.attributes.length < FLOW_LIMITS.attributes}
      onAdd={() => onChange({ attributes: [...step.attributes, newAttribute()] })}
    >
      {step.attributes.map((a, j) => (
        <div key={a.key} className="flex items-center gap-2">
          <Input
            aria-label={`Attribute ${j + 1} key`}
            aria-invalid={Boolean(error) || undefined}
            invalid={Boolean(error)}
            spellCheck={false}
            maxLength={FLOW_LIMITS.attributeKey}
            className="min-w-0 flex-1 font-mono text-[13px]"
            placeholder="segment"
            value={a.name}
            onChange={(e) => set(a.key, { name: e.target.value })}
          />
          <span aria-hidden className="text-zinc-400">
            =
          </span>
          <Input
            aria-label={`Attribute ${j + 1} value`}
            aria-invalid={Boolean(error) || undefined}
            invalid={Boolean(error)}
            maxLength={FLOW_LIMITS.attributeValue}
            className="min-w-0 flex-1"
            placeholder="lead"
            value={a.value}
            onChange={(e) => set(a.key, { value: e.target.value })}
          />
          <IconButton
            size="sm"
            label={`Remove attribute ${j + 1}`}
            onClick={() => onChange({ attributes: step.attributes.filter((x) => x.key !== a.key) })}
          >
            <X className="size-3.5" />
          </IconButton>
        </div>
      ))}
    </RowsFieldset>
  );
}
