#!/usr/bin/env node
// @ts-check
//! protoc-gen-api-docs: the API reference (`docs/api/index.html` and `docs/api/README.md`)
//! written from proto/'s comments. A buf plugin (see buf.gen.yaml), so `npm run generate`
//! writes it and `npm run check:generated` fails when it is stale, like the TypeScript.
//!
//! Comments are Markdown (backticks, `- ` lists); the HTML renders them with `marked`, with
//! raw HTML escaped, and links every type, service and method it names. A method's status
//! codes are the gRPC code names its comment mentions; a service's comment names the codes
//! every one of its methods may answer (limits, sizes, deadlines).

import { create, createFileRegistry, ScalarType } from "@bufbuild/protobuf";
import {
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { getComments, getPackageComments, runNodeJs } from "@bufbuild/protoplugin";
import { Marked } from "marked";

/**
 * @typedef {import("@bufbuild/protobuf").DescFile} DescFile
 * @typedef {import("@bufbuild/protobuf").DescService} DescService
 * @typedef {import("@bufbuild/protobuf").DescMethod} DescMethod
 * @typedef {import("@bufbuild/protobuf").DescMessage} DescMessage
 * @typedef {import("@bufbuild/protobuf").DescEnum} DescEnum
 * @typedef {import("@bufbuild/protobuf").DescField} DescField
 */

/**
 * The gRPC status codes: number, the HTTP status the Connect protocol gives each, and what
 * it means to a Porthole client. Order and numbers are gRPC's.
 * @type {[string, number, number, string][]}
 */
const STATUS_CODES = [
  ["OK", 0, 200, "Success."],
  ["CANCELLED", 1, 499, "The client cancelled the call."],
  ["UNKNOWN", 2, 500, "An error without a known cause; Porthole does not send it itself."],
  [
    "INVALID_ARGUMENT",
    3,
    400,
    "A request field is wrong. Carries a `porthole.v1.BadRequest` detail naming every bad field; fix the request before retrying.",
  ],
  [
    "DEADLINE_EXCEEDED",
    4,
    504,
    "The call did not finish in time (the request body took over 30 s to arrive, or the client's deadline passed).",
  ],
  [
    "NOT_FOUND",
    5,
    404,
    "The thing named does not exist, or belongs to another workspace (both answer the same).",
  ],
  ["ALREADY_EXISTS", 6, 409, "What the call would create exists already."],
  [
    "PERMISSION_DENIED",
    7,
    403,
    "The caller is known but its role (or the server's policy) does not allow this call.",
  ],
  [
    "RESOURCE_EXHAUSTED",
    8,
    429,
    "A rate limit or quota: retry after the `retry-after` metadata's seconds.",
  ],
  [
    "FAILED_PRECONDITION",
    9,
    400,
    "The call is valid but the system's state does not allow it now (a feature not configured, a state transition not allowed).",
  ],
  ["ABORTED", 10, 409, "A conflict with a concurrent change; retry."],
  [
    "OUT_OF_RANGE",
    11,
    400,
    "A position past the data's end or before what is retained (feed cursors, pages).",
  ],
  [
    "UNIMPLEMENTED",
    12,
    501,
    "No such method, or not through this protocol. Over Connect JSON an unknown method answers HTTP 404 and a streaming one 415.",
  ],
  ["INTERNAL", 13, 500, "A server fault; logged on the server, answered as `internal error`."],
  ["UNAVAILABLE", 14, 503, "Temporarily unable to answer: retry with back-off."],
  ["DATA_LOSS", 15, 500, "Not sent by Porthole."],
  [
    "UNAUTHENTICATED",
    16,
    401,
    "No valid credentials: a missing, expired or revoked token. Refresh the session or sign in again.",
  ],
];
const CODE_NAMES = new Set(STATUS_CODES.map(([name]) => name));
const CODE_PATTERN = new RegExp(`\\b(${[...CODE_NAMES].join("|")})\\b`, "g");

/** Well-known types the API uses, with their JSON form. */
const WELL_KNOWN = {
  "google.protobuf.Timestamp":
    'A point in time. JSON: an RFC 3339 string in UTC, `"2026-01-31T09:30:00Z"`.',
  "google.protobuf.Duration":
    'A length of time. JSON: seconds with an `s` suffix, `"90s"`, `"1.5s"`.',
  "google.protobuf.Any":
    'Any message with its type. JSON: an object with `"@type": "type.googleapis.com/<full name>"` and the message\'s fields.',
};

/** @param {string} text */
function escapeHtml(text) {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/**
 * A comment's text without the space after `//` and without surrounding blank lines.
 * @param {string | undefined} comment
 */
function tidyComment(comment) {
  if (!comment) return "";
  const lines = comment.split("\n");
  const indented = lines.every((line) => line === "" || line.startsWith(" "));
  return lines
    .map((line) => (indented ? line.slice(1) : line))
    .join("\n")
    .trim();
}

/** @param {Exclude<import("@bufbuild/protobuf").AnyDesc, DescFile>} desc */
function doc(desc) {
  const text = tidyComment(getComments(desc).leading);
  // A method's "Errors:" line starts a paragraph of its own.
  return desc.kind === "rpc" ? text.replace(/\n?^Errors:/m, "\n\n**Errors:**") : text;
}

/**
 * The comment that introduces a file: detached comments on its package statement or on
 * its first declaration (`errors.proto`, `chat.proto` start that way).
 * @param {DescFile} file
 */
function fileDoc(file) {
  const pkg = getPackageComments(file);
  /** @type {string[]} */
  const parts = [...pkg.leadingDetached, pkg.trailing ?? ""];
  /** @type {(DescService | DescMessage | DescEnum)[]} */
  const first = [...file.services, ...file.messages, ...file.enums];
  const sourceLine = (/** @type {DescService | DescMessage | DescEnum} */ desc) =>
    getComments(desc).sourcePath.length > 0 ? firstLine(file, getComments(desc).sourcePath) : 0;
  first.sort((a, b) => sourceLine(a) - sourceLine(b));
  if (first[0]) parts.push(...getComments(first[0]).leadingDetached);
  return parts.map(tidyComment).filter(Boolean).join("\n\n");
}

/**
 * The source line a declaration starts on, to find a file's first declaration.
 * @param {DescFile} file
 * @param {readonly number[]} path
 */
function firstLine(file, path) {
  const location = file.proto.sourceCodeInfo?.location.find(
    (loc) => loc.path.length === path.length && loc.path.every((part, i) => part === path[i]),
  );
  return location?.span[0] ?? 0;
}

/**
 * The status codes a comment names, in gRPC's order.
 * @param {string} text
 */
function codesIn(text) {
  const found = new Set(text.match(CODE_PATTERN) ?? []);
  return STATUS_CODES.map(([name]) => name).filter((name) => found.has(name));
}

/** @param {DescMethod} method */
function streamingLabel(method) {
  switch (method.methodKind) {
    case "unary":
      return "unary";
    case "server_streaming":
      return "server stream";
    case "client_streaming":
      return "client stream";
    default:
      return "bidi stream";
  }
}

/** Everything the page shows, read once from the request's files. */
class Model {
  /** @param {DescFile[]} files */
  constructor(files) {
    // Alphabetical, so the page's order does not depend on how files import each other.
    this.files = [...files].sort((a, b) => a.name.localeCompare(b.name));
    /** @type {DescService[]} */
    this.services = this.files
      .flatMap((file) => file.services)
      .sort((a, b) => a.name.localeCompare(b.name));
    /**
     * Messages shown under the one method that takes or returns them
     * (`XRequest`/`XResponse`), keyed by type name.
     * @type {Map<string, DescMethod>}
     */
    this.ownedBy = new Map();
    /** @type {Map<string, number>} */
    const uses = new Map();
    for (const method of this.services.flatMap((service) => service.methods)) {
      for (const message of [method.input, method.output]) {
        uses.set(message.typeName, (uses.get(message.typeName) ?? 0) + 1);
      }
    }
    for (const method of this.services.flatMap((service) => service.methods)) {
      for (const [message, suffix] of [
        [method.input, "Request"],
        [method.output, "Response"],
      ]) {
        if (
          /** @type {DescMessage} */ (message).name === `${method.name}${suffix}` &&
          uses.get(/** @type {DescMessage} */ (message).typeName) === 1
        ) {
          this.ownedBy.set(/** @type {DescMessage} */ (message).typeName, method);
        }
      }
    }
    /**
     * Names a comment may mention, to anchors: type names (short and full), services,
     * `Service.Method` and method names that only one service has.
     * @type {Map<string, string>}
     */
    this.anchors = new Map();
    /** @type {Map<string, number>} */
    const methodNames = new Map();
    for (const service of this.services) {
      this.anchors.set(service.name, service.typeName);
      this.anchors.set(service.typeName, service.typeName);
      for (const method of service.methods) {
        const anchor = `${service.typeName}.${method.name}`;
        this.anchors.set(`${service.name}.${method.name}`, anchor);
        methodNames.set(method.name, (methodNames.get(method.name) ?? 0) + 1);
      }
    }
    for (const service of this.services) {
      for (const method of service.methods) {
        if (methodNames.get(method.name) === 1 && !this.anchors.has(method.name)) {
          this.anchors.set(method.name, `${service.typeName}.${method.name}`);
        }
      }
    }
    for (const type of this.types()) {
      this.anchors.set(type.typeName, type.typeName);
      const short = type.typeName.slice(type.file.proto.package.length + 1);
      if (!this.anchors.has(short)) this.anchors.set(short, type.typeName);
    }
  }

  /**
   * Every message and enum, nested ones after their parent.
   * @returns {(DescMessage | DescEnum)[]}
   */
  types() {
    /** @type {(DescMessage | DescEnum)[]} */
    const out = [];
    /** @param {DescMessage} message */
    const visit = (message) => {
      out.push(message);
      out.push(...message.nestedEnums);
      for (const nested of message.nestedMessages) visit(nested);
    };
    for (const file of this.files) {
      out.push(...file.enums);
      for (const message of file.messages) visit(message);
    }
    return out;
  }

  /**
   * The types listed in a file's section: all but the requests and responses shown with
   * their method (and the types nested in those).
   * @param {DescFile} file
   */
  freeTypes(file) {
    return this.types().filter((type) => type.file === file && !this.isOwned(type));
  }

  /** @param {DescMessage | DescEnum} type */
  isOwned(type) {
    for (let at = /** @type {DescMessage | DescEnum | undefined} */ (type); at; at = at.parent) {
      if (this.ownedBy.has(at.typeName)) return true;
    }
    return false;
  }
}

/**
 * Turns comment Markdown into HTML: raw HTML is shown as text, and names of types,
 * services and methods become links (not the one being described).
 * @param {Model} model
 */
function markdownRenderer(model) {
  /** @type {string | undefined} */
  let current;
  const marked = new Marked({
    gfm: true,
    renderer: {
      html(token) {
        return escapeHtml(token.text);
      },
      codespan(token) {
        const target = model.anchors.get(token.text);
        const code = `<code>${escapeHtml(token.text)}</code>`;
        return target && target !== current ? `<a href="#${escapeHtml(target)}">${code}</a>` : code;
      },
      text(token) {
        if ("tokens" in token && token.tokens) return this.parser.parseInline(token.tokens);
        const html = "escaped" in token && token.escaped ? token.text : escapeHtml(token.text);
        return html.replace(/\b[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*\b/g, (name) => {
          const target = model.anchors.get(name);
          // Single capitalised words ("Request", "Owner") stay text unless they are
          // CamelCase names.
          if (!target || target === current || !/[a-z][A-Z]/.test(name)) return name;
          return `<a href="#${escapeHtml(target)}">${name}</a>`;
        });
      },
    },
  });
  return {
    /**
     * @param {string} markdown
     * @param {string} [self] the anchor of what the text describes
     */
    render(markdown, self) {
      current = self;
      return markdown ? /** @type {string} */ (marked.parse(markdown, { async: false })) : "";
    },
  };
}

/**
 * A field's type for display: the kind, the element type linked where it is ours.
 * @param {DescField} field
 * @param {(name: string, typeName: string) => string} link
 */
function fieldType(field, link) {
  /** @param {ScalarType} scalar */
  const scalarName = (scalar) => ScalarType[scalar].toLowerCase();
  /** @param {DescMessage | DescEnum} desc */
  const named = (desc) => link(desc.typeName.replace(/^porthole\.v1\./, ""), desc.typeName);
  switch (field.fieldKind) {
    case "scalar":
      return (field.proto.proto3Optional ? "optional " : "") + scalarName(field.scalar);
    case "enum":
      return (field.proto.proto3Optional ? "optional " : "") + named(field.enum);
    case "message":
      return (field.proto.proto3Optional ? "optional " : "") + named(field.message);
    case "list": {
      const element =
        field.listKind === "scalar"
          ? scalarName(field.scalar)
          : named(field.listKind === "enum" ? field.enum : field.message);
      return `repeated ${element}`;
    }
    case "map": {
      const value =
        field.mapKind === "scalar"
          ? scalarName(field.scalar)
          : named(field.mapKind === "enum" ? field.enum : field.message);
      return `map&lt;${scalarName(field.mapKey)}, ${value}&gt;`;
    }
  }
}

/** What the page says about calling the API, before the services. */
const INTRO = `Every method is an HTTP POST to \`/<service>/<method>\` (for example
\`/porthole.v1.AuthService/LogIn\`) on the server's one port, in any of these protocols:

- **gRPC** (HTTP/2, \`content-type: application/grpc\`): the SDKs in \`client-sdk/\`, \`grpcurl\`, \`buf curl\`.
  The server offers reflection.
- **gRPC-web** (HTTP/1.1 or 2, \`application/grpc-web+proto\`): browsers; the widget and the dashboard.
  Streaming methods work here too (server streams only).
- **Connect JSON** (unary methods only, \`content-type: application/json\`): plain \`curl\`, with the
  request and response in the proto's canonical JSON form (field names in lowerCamelCase as listed
  below, enums by name, 64-bit integers as strings, timestamps as RFC 3339 strings). Errors are
  Connect error objects: \`{"code": "invalid_argument", "message": "…", "details": […]}\`, with the
  HTTP status listed under [Status codes](#status-codes).

Credentials travel as \`authorization: Bearer <token>\` metadata (an HTTP header): a member's
access token from \`AuthService\` or a visitor's token from \`VisitorService.StartSession\`.
Which methods are public and which role each needs is said in each method's description.

A failed call has a status code (below) and a message in words. \`INVALID_ARGUMENT\` also carries
a \`porthole.v1.BadRequest\` detail listing every rejected field
(\`grpc-status-details-bin\`, or the Connect error's \`details\`).`;

/**
 * @param {Model} model
 */
function renderHtml(model) {
  const md = markdownRenderer(model);
  /** @type {string[]} */
  const out = [];
  /** @param {string} name @param {string} typeName */
  const link = (name, typeName) =>
    WELL_KNOWN[/** @type {keyof typeof WELL_KNOWN} */ (typeName)] !== undefined ||
    model.anchors.get(typeName) === typeName
      ? `<a href="#${escapeHtml(typeName)}">${escapeHtml(name)}</a>`
      : escapeHtml(name);

  /** @param {DescMessage} message */
  const renderMessage = (message) => {
    out.push(`<section class="type" id="${escapeHtml(message.typeName)}">`);
    out.push(
      `<h4><span class="kw">message</span> ${escapeHtml(message.typeName.replace(/^porthole\.v1\./, ""))}${anchorLink(message.typeName)}</h4>`,
    );
    out.push(md.render(doc(message), message.typeName));
    if (message.fields.length === 0) {
      out.push(`<p class="empty">No fields.</p>`);
    } else {
      out.push(
        `<table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>`,
      );
      for (const field of message.fields) {
        const tags = [];
        if (field.oneof)
          tags.push(`<span class="tag">oneof ${escapeHtml(field.oneof.name)}</span>`);
        if (field.deprecated) tags.push(`<span class="tag deprecated">deprecated</span>`);
        const json =
          field.jsonName !== field.name
            ? `<div class="json">JSON <code>${escapeHtml(field.jsonName)}</code></div>`
            : "";
        out.push(
          `<tr id="${escapeHtml(`${message.typeName}.${field.name}`)}"><td><code class="name">${escapeHtml(field.name)}</code> <span class="num">= ${field.number}</span>${json}${tags.join(" ")}</td>` +
            `<td class="type-cell">${fieldType(field, link)}</td><td>${md.render(doc(field), message.typeName)}</td></tr>`,
        );
      }
      out.push(`</tbody></table>`);
      for (const oneof of message.oneofs) {
        const text = doc(oneof);
        out.push(
          `<p class="oneof"><span class="tag">oneof ${escapeHtml(oneof.name)}</span> at most one of ${oneof.fields.map((f) => `<code>${escapeHtml(f.name)}</code>`).join(", ")} is set.</p>`,
        );
        if (text) out.push(md.render(text, message.typeName));
      }
    }
    out.push(`</section>`);
    for (const nested of message.nestedEnums) renderEnum(nested);
    for (const nested of message.nestedMessages) renderMessage(nested);
  };

  /** @param {DescEnum} desc */
  const renderEnum = (desc) => {
    out.push(`<section class="type" id="${escapeHtml(desc.typeName)}">`);
    out.push(
      `<h4><span class="kw">enum</span> ${escapeHtml(desc.typeName.replace(/^porthole\.v1\./, ""))}${anchorLink(desc.typeName)}</h4>`,
    );
    out.push(md.render(doc(desc), desc.typeName));
    out.push(
      `<table class="fields"><thead><tr><th>Value</th><th>Number</th><th>Description</th></tr></thead><tbody>`,
    );
    for (const value of desc.values) {
      out.push(
        `<tr id="${escapeHtml(`${desc.typeName}.${value.name}`)}"><td><code class="name">${escapeHtml(value.name)}</code></td><td class="num">${value.number}</td><td>${md.render(doc(value), desc.typeName)}</td></tr>`,
      );
    }
    out.push(`</tbody></table></section>`);
  };

  /** @param {string[]} codes */
  const codeList = (codes) =>
    codes.map((code) => `<a class="code" href="#code-${code}">${code}</a>`).join(" ");

  out.push(`<header><h1>Porthole API reference</h1>`);
  out.push(
    `<p class="generated">Package <code>porthole.v1</code>. Generated from <code>proto/</code> by <code>scripts/protoc-gen-api-docs.mjs</code>; do not edit.</p></header>`,
  );
  out.push(`<section id="calling"><h2>Calling the API${anchorLink("calling")}</h2>`);
  out.push(md.render(INTRO));
  out.push(`</section>`);

  out.push(`<section id="status-codes"><h2>Status codes${anchorLink("status-codes")}</h2>`);
  out.push(
    `<p>gRPC carries the code in the <code>grpc-status</code> trailer; Connect JSON answers with the HTTP status shown and the code's lower-case name as <code>code</code> (<code>canceled</code> for CANCELLED).</p>`,
  );
  out.push(
    `<table class="fields"><thead><tr><th>Code</th><th>Number</th><th>HTTP (Connect)</th><th>Meaning</th></tr></thead><tbody>`,
  );
  for (const [name, number, http, meaning] of STATUS_CODES) {
    out.push(
      `<tr id="code-${name}"><td><code class="name">${name}</code></td><td class="num">${number}</td><td class="num">${http}</td><td>${md.render(meaning)}</td></tr>`,
    );
  }
  out.push(`</tbody></table></section>`);

  out.push(`<section id="services"><h2>Services${anchorLink("services")}</h2>`);
  for (const service of model.services) {
    const serviceDoc = doc(service);
    out.push(`<section class="service" id="${escapeHtml(service.typeName)}">`);
    out.push(
      `<h2><span class="kw">service</span> ${escapeHtml(service.name)}${anchorLink(service.typeName)}</h2>`,
    );
    out.push(
      `<p class="where">Defined in <code>${escapeHtml(service.file.name)}.proto</code>.</p>`,
    );
    out.push(md.render(serviceDoc, service.typeName));
    const serviceCodes = codesIn(serviceDoc);
    if (serviceCodes.length > 0) {
      out.push(`<p class="codes">Any method may also answer: ${codeList(serviceCodes)}</p>`);
    }
    out.push(
      `<table class="methods"><thead><tr><th>Method</th><th>Request</th><th>Response</th></tr></thead><tbody>`,
    );
    for (const method of service.methods) {
      const stream = method.methodKind === "server_streaming" ? `stream ` : "";
      out.push(
        `<tr><td><a href="#${escapeHtml(`${service.typeName}.${method.name}`)}">${escapeHtml(method.name)}</a>${method.methodKind === "unary" ? "" : ` <span class="tag stream">${streamingLabel(method)}</span>`}</td>` +
          `<td>${link(method.input.name, method.input.typeName)}</td><td>${stream}${link(method.output.name, method.output.typeName)}</td></tr>`,
      );
    }
    out.push(`</tbody></table>`);
    for (const method of service.methods) {
      const anchor = `${service.typeName}.${method.name}`;
      const methodDoc = doc(method);
      out.push(`<section class="method" id="${escapeHtml(anchor)}">`);
      out.push(
        `<h3>${escapeHtml(method.name)} <span class="tag ${method.methodKind === "unary" ? "unary" : "stream"}">${streamingLabel(method)}</span>${method.deprecated ? ` <span class="tag deprecated">deprecated</span>` : ""}${anchorLink(anchor)}</h3>`,
      );
      out.push(
        `<p class="sig"><code>POST /${escapeHtml(service.typeName)}/${escapeHtml(method.name)}</code> · ${link(method.input.name, method.input.typeName)} → ${method.methodKind === "server_streaming" ? "stream of " : ""}${link(method.output.name, method.output.typeName)}</p>`,
      );
      out.push(md.render(methodDoc, anchor));
      const codes = codesIn(methodDoc);
      out.push(
        `<p class="codes">Status codes: ${codes.length > 0 ? codeList(codes) : "none beyond the service's"}</p>`,
      );
      for (const message of [method.input, method.output]) {
        if (model.ownedBy.get(message.typeName) === method) renderMessage(message);
      }
      out.push(`</section>`);
    }
    out.push(`</section>`);
  }
  out.push(`</section>`);

  out.push(`<section id="types"><h2>Types${anchorLink("types")}</h2>`);
  for (const file of model.files) {
    const types = model.freeTypes(file);
    if (types.length === 0) continue;
    out.push(`<section class="file" id="file-${escapeHtml(file.name)}">`);
    out.push(`<h3>${escapeHtml(file.name)}.proto${anchorLink(`file-${file.name}`)}</h3>`);
    out.push(md.render(fileDoc(file)));
    for (const type of types) {
      if (type.parent) continue; // rendered after their parent
      if (type.kind === "message") renderMessage(type);
      else renderEnum(type);
    }
    out.push(`</section>`);
  }
  out.push(
    `<section class="file" id="well-known"><h3>Well-known types${anchorLink("well-known")}</h3>`,
  );
  for (const [typeName, text] of Object.entries(WELL_KNOWN)) {
    out.push(
      `<section class="type" id="${typeName}"><h4><span class="kw">message</span> ${typeName}${anchorLink(typeName)}</h4>${md.render(text)}</section>`,
    );
  }
  out.push(`</section></section>`);

  const toc = [];
  toc.push(`<nav class="toc"><p class="toc-title"><a href="#">Porthole API</a></p><ul>`);
  toc.push(
    `<li><a href="#calling">Calling the API</a></li><li><a href="#status-codes">Status codes</a></li>`,
  );
  toc.push(`<li><a href="#services">Services</a><ul>`);
  for (const service of model.services) {
    toc.push(
      `<li><details><summary><a href="#${escapeHtml(service.typeName)}">${escapeHtml(service.name)}</a></summary><ul>`,
    );
    for (const method of service.methods) {
      toc.push(
        `<li><a href="#${escapeHtml(`${service.typeName}.${method.name}`)}">${escapeHtml(method.name)}</a>${method.methodKind === "unary" ? "" : ` <span class="tag stream">stream</span>`}</li>`,
      );
    }
    toc.push(`</ul></details></li>`);
  }
  toc.push(`</ul></li><li><a href="#types">Types</a><ul>`);
  for (const file of model.files) {
    const types = model.freeTypes(file).filter((type) => !type.parent);
    if (types.length === 0) continue;
    toc.push(
      `<li><details><summary><a href="#file-${escapeHtml(file.name)}">${escapeHtml(file.name.replace(/^porthole\/v1\//, ""))}</a></summary><ul>`,
    );
    for (const type of types) {
      toc.push(`<li><a href="#${escapeHtml(type.typeName)}">${escapeHtml(type.name)}</a></li>`);
    }
    toc.push(`</ul></details></li>`);
  }
  toc.push(`<li><a href="#well-known">Well-known types</a></li></ul></li></ul></nav>`);

  return `<!doctype html>
<!-- Generated by scripts/protoc-gen-api-docs.mjs from proto/. Do not edit. -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Porthole API reference</title>
<style>${STYLE}</style>
</head>
<body>
${toc.join("\n")}
<main>
${out.join("\n")}
</main>
</body>
</html>
`;
}

/** @param {string} anchor */
function anchorLink(anchor) {
  return ` <a class="anchor" href="#${escapeHtml(anchor)}" aria-label="Link to this section">#</a>`;
}

/** The page's only style sheet, inline so the page is one file (no script at all). */
const STYLE = `
:root { color-scheme: light dark; --fg: #1c1f24; --muted: #5d6470; --bg: #ffffff; --panel: #f5f6f8;
  --line: #dde1e6; --accent: #2457c5; --code: #eef1f5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e4e7eb; --muted: #9aa3ae; --bg: #14171b;
  --panel: #1b1f24; --line: #2c323a; --accent: #7aa7ff; --code: #232932; } }
* { box-sizing: border-box; }
html { scroll-padding-top: 1rem; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); display: grid; grid-template-columns: 18rem minmax(0, 1fr); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 0.88em/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--code);
  padding: 0.1em 0.3em; border-radius: 4px; }
.toc { position: sticky; top: 0; height: 100vh; overflow-y: auto; padding: 1rem 0.75rem 2rem;
  background: var(--panel); border-right: 1px solid var(--line); font-size: 14px; }
.toc ul { list-style: none; margin: 0; padding-left: 0.9rem; }
.toc > ul { padding-left: 0; }
.toc li { margin: 0.15rem 0; }
.toc summary { cursor: pointer; }
.toc-title { font-weight: 700; font-size: 16px; margin: 0 0 0.75rem; }
main { padding: 1.5rem 2.5rem 4rem; max-width: 72rem; }
h1 { margin: 0 0 0.25rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.3rem; }
h3 { margin: 2rem 0 0.5rem; }
h4 { margin: 1.5rem 0 0.4rem; font-size: 15px; }
.service > h2 { font-size: 1.35rem; }
.method { border-left: 3px solid var(--line); padding-left: 1rem; margin-left: 0.1rem; }
.kw { color: var(--muted); font-weight: 400; }
.anchor { color: var(--muted); font-weight: 400; visibility: hidden; }
h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { visibility: visible; }
.generated, .where, .empty { color: var(--muted); font-size: 14px; }
.sig { margin: 0.25rem 0 0.75rem; }
.tag { display: inline-block; font-size: 12px; font-weight: 600; line-height: 1.4; padding: 0 0.45em;
  border-radius: 999px; border: 1px solid var(--line); color: var(--muted); vertical-align: middle; }
.tag.stream { color: #a45a00; border-color: #e2b15a; }
.tag.deprecated { color: #b42318; border-color: #f2a29b; }
.codes { font-size: 14px; }
a.code { font: 12px/1.6 ui-monospace, Menlo, Consolas, monospace; padding: 0.05em 0.4em; margin: 0 0.1em;
  border-radius: 4px; background: var(--code); white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 14px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 0.4rem 0.6rem; }
th { color: var(--muted); font-weight: 600; }
td p { margin: 0 0 0.4rem; }
td p:last-child { margin-bottom: 0; }
td ul { margin: 0.2rem 0; padding-left: 1.1rem; }
.fields td:first-child { white-space: nowrap; width: 1%; }
.type-cell { white-space: nowrap; width: 1%; }
.num { color: var(--muted); font-size: 13px; }
.json { color: var(--muted); font-size: 12px; }
.oneof { font-size: 14px; }
tr:target, .type:target, .method:target { background: color-mix(in srgb, var(--accent) 10%, transparent); }
@media (max-width: 900px) { body { display: block; } .toc { position: static; height: auto;
  border-right: 0; border-bottom: 1px solid var(--line); } main { padding: 1rem; } }
`;

/** @param {Model} model */
function renderMarkdown(model) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} text */
  const cell = (text) => text.replace(/\s*\n\s*/g, " ").replaceAll("|", "\\|");
  /** @param {string} name @param {string} typeName */
  const link = (name, typeName) =>
    WELL_KNOWN[/** @type {keyof typeof WELL_KNOWN} */ (typeName)] !== undefined ||
    model.anchors.get(typeName) === typeName
      ? `[${name}](#${typeName.toLowerCase().replaceAll(".", "")})`
      : name;
  // Markdown tables take no HTML-escaped `<` from fieldType; plain text there.
  /** @param {DescField} field */
  const type = (field) => fieldType(field, link).replace("&lt;", "<").replace("&gt;", ">");

  /** @param {DescMessage} message @param {string} level */
  const messageSection = (message, level) => {
    out.push(`${level} ${message.typeName}`, "");
    const text = doc(message);
    if (text) out.push(text, "");
    if (message.fields.length === 0) {
      out.push("No fields.", "");
    } else {
      out.push("| Field | JSON | Type | Description |", "|---|---|---|---|");
      for (const field of message.fields) {
        const notes = [
          field.oneof ? `oneof \`${field.oneof.name}\`` : "",
          field.deprecated ? "deprecated" : "",
        ]
          .filter(Boolean)
          .map((note) => `(${note}) `)
          .join("");
        out.push(
          `| \`${field.name}\` = ${field.number} | \`${field.jsonName}\` | ${cell(type(field))} | ${notes}${cell(doc(field))} |`,
        );
      }
      out.push("");
    }
    for (const nested of message.nestedEnums) enumSection(nested, level);
    for (const nested of message.nestedMessages) messageSection(nested, level);
  };
  /** @param {DescEnum} desc @param {string} level */
  const enumSection = (desc, level) => {
    out.push(`${level} ${desc.typeName}`, "");
    const text = doc(desc);
    if (text) out.push(text, "");
    out.push("| Value | Number | Description |", "|---|---|---|");
    for (const value of desc.values) {
      out.push(`| \`${value.name}\` | ${value.number} | ${cell(doc(value))} |`);
    }
    out.push("");
  };

  out.push(
    "<!-- Generated by scripts/protoc-gen-api-docs.mjs from proto/. Do not edit. -->",
    "",
    "# Porthole API reference",
    "",
    "Package `porthole.v1`. The same reference as a web page: `/docs/api` on a running server (`docs/api/index.html`).",
    "",
    "## Contents",
    "",
    "- [Calling the API](#calling-the-api)",
    "- [Status codes](#status-codes)",
  );
  for (const service of model.services) {
    out.push(`- [${service.name}](#${service.typeName.toLowerCase().replaceAll(".", "")})`);
    for (const method of service.methods) {
      out.push(
        `  - [${method.name}](#${`${service.name}.${method.name}`.toLowerCase().replaceAll(".", "")})${method.methodKind === "unary" ? "" : ` (${streamingLabel(method)})`}`,
      );
    }
  }
  out.push("- [Types](#types)", "", "## Calling the API", "", INTRO, "", "## Status codes", "");
  out.push(
    "gRPC carries the code in the `grpc-status` trailer; Connect JSON answers with the HTTP status shown and the code's lower-case name as `code` (`canceled` for CANCELLED).",
    "",
  );
  out.push("| Code | Number | HTTP (Connect) | Meaning |", "|---|---|---|---|");
  for (const [name, number, http, meaning] of STATUS_CODES) {
    out.push(`| \`${name}\` | ${number} | ${http} | ${cell(meaning)} |`);
  }
  out.push("");
  for (const service of model.services) {
    out.push(`## ${service.typeName}`, "", `Defined in \`${service.file.name}.proto\`.`, "");
    const serviceDoc = doc(service);
    if (serviceDoc) out.push(serviceDoc, "");
    const serviceCodes = codesIn(serviceDoc);
    if (serviceCodes.length > 0) {
      out.push(
        `Any method may also answer: ${serviceCodes.map((c) => `\`${c}\``).join(", ")}.`,
        "",
      );
    }
    for (const method of service.methods) {
      out.push(
        `### ${service.name}.${method.name}`,
        "",
        `\`POST /${service.typeName}/${method.name}\` · ${streamingLabel(method)} · ${link(method.input.name, method.input.typeName)} → ${method.methodKind === "server_streaming" ? "stream of " : ""}${link(method.output.name, method.output.typeName)}`,
        "",
      );
      const methodDoc = doc(method);
      if (methodDoc) out.push(methodDoc, "");
      const codes = codesIn(methodDoc);
      out.push(
        `Status codes: ${codes.length > 0 ? codes.map((c) => `\`${c}\``).join(", ") : "none beyond the service's"}.`,
        "",
      );
      for (const owned of [method.input, method.output]) {
        if (model.ownedBy.get(owned.typeName) === method) messageSection(owned, "####");
      }
    }
  }
  out.push("## Types", "");
  for (const file of model.files) {
    const types = model.freeTypes(file).filter((type) => !type.parent);
    if (types.length === 0) continue;
    out.push(`### ${file.name}.proto`, "");
    const text = fileDoc(file);
    if (text) out.push(text, "");
    for (const type of types) {
      if (type.kind === "message") messageSection(type, "####");
      else enumSection(type, "####");
    }
  }
  out.push("### Well-known types", "");
  for (const [typeName, text] of Object.entries(WELL_KNOWN)) {
    out.push(`#### ${typeName}`, "", text, "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** @type {import("@bufbuild/protoplugin").Plugin} */
const plugin = {
  name: "protoc-gen-api-docs",
  version: "v1",
  run(request) {
    const registry = createFileRegistry(
      create(FileDescriptorSetSchema, { file: request.protoFile }),
    );
    const files = request.fileToGenerate
      .map((name) => registry.getFile(name))
      .filter((file) => file !== undefined);
    const model = new Model(files);
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: [
        { name: "index.html", content: renderHtml(model) },
        { name: "README.md", content: renderMarkdown(model) },
      ],
    });
  },
};

runNodeJs(plugin);
