//! A workspace's own model without React (`bot.proto`, SetWorkspaceModel): the form's
//! limits as the server checks them, what the form sends (the stored API key kept when its
//! field is left empty, removed only when asked), and the server's field errors by field.
//! The key is write-only: it goes out in a request and is never read back or shown.

import type { MessageInitShape } from "@bufbuild/protobuf";
import type { SetWorkspaceModelRequestSchema, WorkspaceModel } from "@porthole/client";
import { formErrors } from "../lib/errors";
import { charCount, sentence } from "./bot";

/** Longest base URL, model name and API key, in characters. */
export const MAX_BASE_URL_CHARS = 500;
export const MAX_MODEL_CHARS = 200;
export const MAX_API_KEY_CHARS = 500;

/** The form's fields, named as the server names them in field violations. */
export type ModelField = "base_url" | "model" | "api_key";
const FIELDS: readonly ModelField[] = ["base_url", "model", "api_key"];

/** Where the help text points, as examples of OpenAI-compatible endpoints. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";
export const GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta/openai";
export const OLLAMA_BASE_URL = "http://your-host:11434/v1";

/** The form as typed. */
export interface ModelForm {
  baseUrl: string;
  model: string;
  /** A new key; empty keeps the stored one unless `removeKey`. */
  apiKey: string;
  /** Send no key, dropping the stored one. */
  removeKey: boolean;
}

/** The form filled from the workspace's model (the key is never known: it stays empty). */
export function formOf(stored: WorkspaceModel | undefined): ModelForm {
  return {
    baseUrl: stored?.baseUrl ?? "",
    model: stored?.model ?? "",
    apiKey: "",
    removeKey: false,
  };
}

/**
 * Whether saving keeps the stored key: one is stored, the key field is empty and "Remove
 * key" is not chosen.
 */
export function keepsStoredKey(form: ModelForm, stored: WorkspaceModel | undefined): boolean {
  return stored?.apiKeySet === true && !form.removeKey && form.apiKey.trim() === "";
}

/** SetWorkspaceModel's request for the form. */
export function modelRequest(
  form: ModelForm,
  stored: WorkspaceModel | undefined,
): MessageInitShape<typeof SetWorkspaceModelRequestSchema> {
  const keep = keepsStoredKey(form, stored);
  return {
    baseUrl: form.baseUrl.trim(),
    model: form.model.trim(),
    apiKey: keep || form.removeKey ? "" : form.apiKey.trim(),
    keepApiKey: keep,
  };
}

/** The host a base URL points at, or undefined when it is not a URL. */
export function hostOf(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl.trim()).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the form refuses to send, by field, as the server would refuse it: a base URL that
 * is missing, not http(s) or too long; a model name missing or too long; a key too long.
 * (Whether the address is public only the server can tell.)
 */
export function modelProblems(form: ModelForm): Partial<Record<ModelField, string>> {
  const problems: Partial<Record<ModelField, string>> = {};
  const baseUrl = form.baseUrl.trim();
  if (!baseUrl) {
    problems.base_url = "Enter the API's base URL.";
  } else if (charCount(baseUrl) > MAX_BASE_URL_CHARS) {
    problems.base_url = `At most ${MAX_BASE_URL_CHARS} characters.`;
  } else if (!isHttpUrl(baseUrl)) {
    problems.base_url = "Enter an http:// or https:// address, e.g. https://api.openai.com/v1.";
  }
  const model = form.model.trim();
  if (!model) problems.model = "Enter the model's name, as the provider knows it.";
  else if (charCount(model) > MAX_MODEL_CHARS) {
    problems.model = `At most ${MAX_MODEL_CHARS} characters.`;
  }
  if (!form.removeKey && charCount(form.apiKey.trim()) > MAX_API_KEY_CHARS) {
    problems.api_key = `At most ${MAX_API_KEY_CHARS} characters.`;
  }
  return problems;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * A failed SetWorkspaceModel as field errors (`base_url`, `model`, `api_key`) and a
 * form-level message for anything else (another field, or no field named).
 */
export function modelFormErrors(error: unknown): {
  fields: Partial<Record<ModelField, string>>;
  form?: string;
} {
  const { fields: byPath, form } = formErrors(error);
  const fields: Partial<Record<ModelField, string>> = {};
  const other: string[] = [];
  for (const [path, message] of Object.entries(byPath)) {
    const field = FIELDS.find((f) => f === path);
    if (field) fields[field] ??= sentence(message);
    else other.push(`${path}: ${message}`);
  }
  const rest = [form, ...other].filter(Boolean).join(" ");
  return rest ? { fields, form: rest } : { fields };
}
