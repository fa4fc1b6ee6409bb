//! A workspace's own model: what the form sends (the stored key kept, replaced or removed),
//! the limits it checks before asking, and the server's field errors by field.

import { create } from "@bufbuild/protobuf";
import { BadRequestSchema, Code, ConnectError, WorkspaceModelSchema } from "@porthole/client";
import { expect, test } from "vitest";
import { formOf, hostOf, modelFormErrors, modelProblems, modelRequest } from "./workspaceModel";

const stored = create(WorkspaceModelSchema, {
  baseUrl: "https://api.openai.com/v1",
  model: "gpt-4o-mini",
  apiKeySet: true,
});
const keyless = create(WorkspaceModelSchema, {
  baseUrl: "http://ollama.internal:11434/v1",
  model: "llama3.2",
  apiKeySet: false,
});

test("the form starts from the stored model, never with a key", () => {
  expect(formOf(stored)).toEqual({
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4o-mini",
    apiKey: "",
    removeKey: false,
  });
  expect(formOf(undefined)).toEqual({ baseUrl: "", model: "", apiKey: "", removeKey: false });
});

test("a stored key is kept while its field is empty, replaced when typed, removed when asked", () => {
  const form = { ...formOf(stored), model: " gpt-4.1-mini " };
  expect(modelRequest(form, stored)).toEqual({
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4.1-mini",
    apiKey: "",
    keepApiKey: true,
  });
  expect(modelRequest({ ...form, apiKey: " sk-new " }, stored)).toEqual({
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4.1-mini",
    apiKey: "sk-new",
    keepApiKey: false,
  });
  // Removing wins over a key typed before the box was ticked.
  expect(modelRequest({ ...form, apiKey: "sk-new", removeKey: true }, stored)).toMatchObject({
    apiKey: "",
    keepApiKey: false,
  });
  // Nothing stored: an empty field sends no key, and nothing to keep.
  expect(modelRequest(formOf(keyless), keyless)).toMatchObject({ apiKey: "", keepApiKey: false });
  expect(
    modelRequest(
      { baseUrl: "https://x.example/v1", model: "m", apiKey: "k", removeKey: false },
      undefined,
    ),
  ).toEqual({ baseUrl: "https://x.example/v1", model: "m", apiKey: "k", keepApiKey: false });
});

test("the form refuses what the server would: no or a non-http(s) URL, no model, too long", () => {
  const ok = {
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4o-mini",
    apiKey: "",
    removeKey: false,
  };
  expect(modelProblems(ok)).toEqual({});
  expect(modelProblems({ ...ok, baseUrl: "http://localhost:11434/v1" })).toEqual({});
  expect(modelProblems({ ...ok, baseUrl: " ", model: "" })).toEqual({
    base_url: "Enter the API's base URL.",
    model: "Enter the model's name, as the provider knows it.",
  });
  for (const bad of ["api.openai.com/v1", "ftp://files.example/v1", "https://"]) {
    expect(modelProblems({ ...ok, baseUrl: bad }).base_url).toBe(
      "Enter an http:// or https:// address, e.g. https://api.openai.com/v1.",
    );
  }
  expect(modelProblems({ ...ok, baseUrl: `https://x.example/${"a".repeat(483)}` }).base_url).toBe(
    "At most 500 characters.",
  );
  expect(modelProblems({ ...ok, model: "m".repeat(201) }).model).toBe("At most 200 characters.");
  expect(modelProblems({ ...ok, model: "m".repeat(200) })).toEqual({});
  expect(modelProblems({ ...ok, apiKey: "k".repeat(501) }).api_key).toBe("At most 500 characters.");
  // A key about to be removed is not checked.
  expect(modelProblems({ ...ok, apiKey: "k".repeat(501), removeKey: true })).toEqual({});
});

test("the host a key would go to", () => {
  expect(hostOf("https://api.openai.com/v1")).toBe("api.openai.com");
  expect(hostOf(" http://10.0.0.5:11434/v1 ")).toBe("10.0.0.5");
  expect(hostOf("not a url")).toBeUndefined();
});

test("the server's field errors go to their fields; anything else to the form", () => {
  const error = new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, {
        fieldViolations: [
          { field: "base_url", description: "refers to a private address (10.0.0.5)" },
          { field: "model", description: "must not be empty with a base URL" },
          { field: "api_key", description: "at most 500 characters" },
          { field: "keep_api_key", description: "no key is stored" },
        ],
      }),
    },
  ]);
  expect(modelFormErrors(error)).toEqual({
    fields: {
      base_url: "Refers to a private address (10.0.0.5).",
      model: "Must not be empty with a base URL.",
      api_key: "At most 500 characters.",
    },
    form: "keep_api_key: no key is stored",
  });
  expect(modelFormErrors(new ConnectError("not allowed", Code.PermissionDenied))).toEqual({
    fields: {},
    form: "not allowed",
  });
});
