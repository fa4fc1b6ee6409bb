//! "Use your own model" in the AI bot's card (owners and admins; SetWorkspaceModel): the
//! workspace's own OpenAI-compatible model when it has one (base URL, model, whether an API
//! key is stored — never the key), else which model it uses instead (the server's, or none);
//! a form to set it (a stored key is kept while its field is left empty, dropped with
//! "Remove key"), and "Stop using own model" after a confirmation. After a change the bot's
//! status is read again, since its model and host then describe the workspace's model.

import type { GetBotStatusResponse, WorkspaceModel } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "../components/ui/Button";
import { ConfirmDialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { toast } from "../components/ui/Toast";
import { keys } from "../inbox/cache";
import { botClient } from "../lib/api";
import { describeError } from "../lib/errors";
import { ago, fullTime, toMillis } from "../lib/format";
import {
  formOf,
  GEMINI_BASE_URL,
  hostOf,
  keepsStoredKey,
  MAX_API_KEY_CHARS,
  MAX_BASE_URL_CHARS,
  MAX_MODEL_CHARS,
  type ModelField,
  type ModelForm,
  modelFormErrors,
  modelProblems,
  modelRequest,
  OLLAMA_BASE_URL,
  OPENAI_BASE_URL,
} from "./workspaceModel";

type Errors = { fields: Partial<Record<ModelField, string>>; form?: string };

export function WorkspaceModelSection({ status }: { status: GetBotStatusResponse }) {
  const qc = useQueryClient();
  const headingId = useId();
  const own = status.workspaceModel;
  const [editing, setEditing] = useState(false);
  const [confirmingStop, setConfirmingStop] = useState(false);
  const stop = useMutation({
    mutationFn: () => botClient.setWorkspaceModel({ baseUrl: "" }),
    onSuccess: async () => {
      // The status's model and host describe the server's model again (or none).
      await qc.invalidateQueries({ queryKey: keys.botStatus });
      setConfirmingStop(false);
      setEditing(false);
      toast("Stopped using your own model");
    },
    onError: (e) =>
      toast("Your own model could not be removed", {
        description: describeError(e),
        tone: "error",
      }),
  });

  return (
    <section
      aria-labelledby={headingId}
      data-testid="own-model"
      className="space-y-3 rounded-lg px-4 py-3 ring-1 ring-zinc-200 ring-inset dark:ring-zinc-800"
    >
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <h3 id={headingId} className="flex items-center gap-1.5 text-[13px] font-semibold">
            <KeyRound className="size-3.5 text-zinc-400" aria-hidden /> Use your own model
          </h3>
          <p className="mt-0.5 text-[13px] text-zinc-600 dark:text-zinc-400">
            {own
              ? "This workspace's bot and agent assist use the model below, not the server's."
              : status.configured
                ? "This workspace uses the server's model (above). Use your own to choose the provider and the model."
                : "The server has no model, so the bot cannot answer: use your own."}
          </p>
        </div>
        {!editing && (
          <Button
            size="sm"
            variant={own ? "secondary" : "primary"}
            onClick={() => setEditing(true)}
          >
            {own ? "Change" : "Use your own model"}
          </Button>
        )}
      </div>
      {own && <OwnModel model={own} />}
      {editing ? (
        <OwnModelForm stored={own} onClose={() => setEditing(false)} />
      ) : (
        own && (
          <div>
            <Button size="sm" variant="danger-ghost" onClick={() => setConfirmingStop(true)}>
              Stop using own model
            </Button>
          </div>
        )
      )}
      <ConfirmDialog
        open={confirmingStop}
        onOpenChange={setConfirmingStop}
        title="Stop using your own model?"
        description="The bot and agent assist go back to the server's model; if the server has none, conversations go to your agents. The stored API key is removed too."
        confirmLabel="Stop using own model"
        danger
        pending={stop.isPending}
        onConfirm={() => stop.mutate()}
      />
    </section>
  );
}

/** The workspace's model as stored: never the key, only whether there is one. */
function OwnModel({ model }: { model: WorkspaceModel }) {
  const set = toMillis(model.updateTime);
  return (
    <dl
      aria-label="Your own model"
      data-testid="own-model-stored"
      className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-[13px]"
    >
      <dt className="text-zinc-500 dark:text-zinc-400">Base URL</dt>
      <dd className="font-mono text-[12px] font-medium break-all">{model.baseUrl}</dd>
      <dt className="text-zinc-500 dark:text-zinc-400">Model</dt>
      <dd className="font-mono text-[12px] font-medium break-all">{model.model}</dd>
      <dt className="text-zinc-500 dark:text-zinc-400">API key</dt>
      <dd className="flex flex-wrap items-center gap-x-1.5">
        {model.apiKeySet ? (
          <>
            <span className="flex items-center gap-1.5 whitespace-nowrap">
              <span className="size-1.5 shrink-0 rounded-full bg-emerald-500" aria-hidden />
              API key stored
            </span>
            <span className="text-xs text-zinc-500 dark:text-zinc-400">
              (encrypted; never shown)
            </span>
          </>
        ) : (
          <span className="text-zinc-500 dark:text-zinc-400">None</span>
        )}
      </dd>
      {set > 0 && (
        <>
          <dt className="text-zinc-500 dark:text-zinc-400">Set</dt>
          <dd title={fullTime(model.updateTime)}>{ago(model.updateTime)}</dd>
        </>
      )}
    </dl>
  );
}

/** Sets the workspace's model: a new one, or changes to the stored one (`stored`). */
function OwnModelForm({
  stored,
  onClose,
}: {
  stored: WorkspaceModel | undefined;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [form, setForm] = useState<ModelForm>(() => formOf(stored));
  const [errors, setErrors] = useState<Errors>({ fields: {} });
  const update = (patch: Partial<ModelForm>) => setForm((old) => ({ ...old, ...patch }));
  const save = useMutation({
    mutationFn: () => botClient.setWorkspaceModel(modelRequest(form, stored)),
    onSuccess: async () => {
      // The status's model and host describe the workspace's model from now on.
      await qc.invalidateQueries({ queryKey: keys.botStatus });
      toast("Your own model is saved");
      onClose();
    },
    onError: (e) => setErrors(modelFormErrors(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = modelProblems(form);
    setErrors({ fields });
    if (Object.keys(fields).length === 0) save.mutate();
  };
  const keyStored = stored?.apiKeySet === true;
  const keeping = keepsStoredKey(form, stored);
  // A stored key goes wherever the base URL points: say so when that changes.
  const newHost = hostOf(form.baseUrl);
  const movesKey = keeping && newHost !== undefined && newHost !== hostOf(stored?.baseUrl ?? "");

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Set your own model"
      className="space-y-4 border-t border-zinc-100 pt-3 dark:border-zinc-800"
    >
      <ProviderHelp />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Base URL"
          hint="The OpenAI-compatible API, reachable from this server."
          error={errors.fields.base_url}
          className="sm:col-span-2"
        >
          {(p) => (
            <Input
              {...p}
              type="url"
              autoComplete="off"
              spellCheck={false}
              maxLength={MAX_BASE_URL_CHARS}
              placeholder={OPENAI_BASE_URL}
              className="font-mono"
              value={form.baseUrl}
              onChange={(e) => update({ baseUrl: e.target.value })}
            />
          )}
        </Field>
        <Field label="Model" hint="Its name as the provider knows it." error={errors.fields.model}>
          {(p) => (
            <Input
              {...p}
              autoComplete="off"
              spellCheck={false}
              maxLength={MAX_MODEL_CHARS}
              placeholder="gpt-4o-mini"
              className="font-mono"
              value={form.model}
              onChange={(e) => update({ model: e.target.value })}
            />
          )}
        </Field>
        <div className="space-y-1.5">
          <Field
            label="API key"
            hint={
              form.removeKey
                ? "The stored key is removed when you save."
                : movesKey
                  ? `Left empty, the stored key is kept and sent to ${newHost}.`
                  : keyStored
                    ? "Left empty, the stored key is kept. Stored encrypted, never shown."
                    : "Stored encrypted, never shown. Leave empty if the API needs none."
            }
            error={errors.fields.api_key}
          >
            {(p) => (
              <Input
                {...p}
                type="password"
                autoComplete="new-password"
                spellCheck={false}
                maxLength={MAX_API_KEY_CHARS}
                placeholder={keyStored ? "Stored — leave empty to keep" : "Optional"}
                className="font-mono"
                disabled={form.removeKey}
                value={form.apiKey}
                onChange={(e) => update({ apiKey: e.target.value })}
              />
            )}
          </Field>
          {keyStored && (
            <label className="flex w-fit cursor-pointer items-center gap-2 text-[13px] text-zinc-700 dark:text-zinc-300">
              <input
                type="checkbox"
                checked={form.removeKey}
                onChange={(e) => update({ removeKey: e.target.checked, apiKey: "" })}
                className="size-4 rounded accent-brand-600"
              />
              Remove key
            </label>
          )}
        </div>
      </div>
      <FormAlert>{errors.form}</FormAlert>
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" loading={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}

/** Where common providers' OpenAI-compatible APIs are. */
function ProviderHelp() {
  const code = "font-mono text-[12px] break-all text-zinc-800 dark:text-zinc-200";
  return (
    <div className="rounded-lg bg-zinc-50 px-3 py-2.5 text-xs text-zinc-600 ring-1 ring-zinc-200/70 ring-inset dark:bg-zinc-800/40 dark:text-zinc-400 dark:ring-zinc-800">
      <p>Any OpenAI-compatible API works, for example:</p>
      <ul className="mt-1 space-y-0.5">
        <li>
          <span className="font-medium text-zinc-700 dark:text-zinc-300">OpenAI</span>:{" "}
          <code className={code}>{OPENAI_BASE_URL}</code> with your API key
        </li>
        <li>
          <span className="font-medium text-zinc-700 dark:text-zinc-300">Gemini</span> (its
          OpenAI-compatible endpoint): <code className={code}>{GEMINI_BASE_URL}</code> with a Gemini
          API key
        </li>
        <li>
          <span className="font-medium text-zinc-700 dark:text-zinc-300">Ollama</span>{" "}
          (self-hosted): <code className={code}>{OLLAMA_BASE_URL}</code>, no key; a private address
          works only if the server's operator allows private addresses
        </li>
      </ul>
    </div>
  );
}
