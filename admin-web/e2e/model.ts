//! A stand-in for an OpenAI-compatible model in the dashboard's end-to-end tests:
//! `POST /v1/chat/completions` on 127.0.0.1 (a free port), answering from the test's script
//! as OpenAI, Ollama or vLLM would answer the server's real client: the text streamed as
//! server-sent events (`data: {"choices":[{"delta":{"content":…}}]}`) in pieces a pause
//! apart, then the usage (`"choices":[]`, prompt and completion tokens) and `[DONE]`. A
//! reply may stop half way until the test lets it go on (to look at a half-written answer),
//! or be an error status (the provider down).
//! Every request is recorded with the kind of prompt it carried and the API key it sent.

import { createServer, type IncomingMessage } from "node:http";

/** A request as the model got it. */
export interface Asked {
  model: string;
  stream: boolean;
  messages: { role: string; content: string | null }[];
  /** The server's bot answering a visitor, drafting a reply for an agent, or summarising. */
  kind: "answer" | "draft" | "summary";
  /** The `Authorization` header (`Bearer <key>`), when a key was sent. */
  authorization?: string;
}

/** What the model replies. */
export interface Reply {
  text: string;
  /** Refuses instead, with this HTTP status (a provider's outage). */
  status?: number;
  /** Pieces it streams in (cut at spaces); 6 unless given. */
  pieces?: number;
  /** Milliseconds between pieces; 150 unless given. */
  pause?: number;
  /** Stops after this many pieces until `held` resolves. */
  holdAfter?: number;
  held?: Promise<void>;
}

export interface Model {
  /** The value for PORTHOLE_LLM_BASE_URL (`…/v1`). */
  baseUrl: string;
  /** Every request so far, oldest first. */
  asked: Asked[];
  close: () => Promise<void>;
}

/** Which of the server's prompts a request carries, from its system message. */
function kindOf(messages: Asked["messages"]): Asked["kind"] {
  const system = messages.find((m) => m.role === "system")?.content ?? "";
  if (/you summarise/i.test(system)) return "summary";
  if (/you draft the next reply/i.test(system)) return "draft";
  return "answer";
}

/** `text` cut at spaces into about `count` pieces. */
function piecesOf(text: string, count: number): string[] {
  const words = text.split(/(?<= )/);
  const size = Math.max(1, Math.ceil(words.length / count));
  const parts: string[] = [];
  for (let i = 0; i < words.length; i += size) parts.push(words.slice(i, i + size).join(""));
  return parts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

/** Starts the stand-in; `script` says what each request gets. */
export async function startModel(script: (asked: Asked) => Reply): Promise<Model> {
  const asked: Asked[] = [];
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(await bodyOf(req)) as Omit<Asked, "kind" | "authorization">;
    const request: Asked = {
      ...body,
      kind: kindOf(body.messages ?? []),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    asked.push(request);
    const reply = script(request);
    if (reply.status) {
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: reply.text, type: "server_error" } }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`);
    for (const [i, piece] of piecesOf(reply.text, reply.pieces ?? 6).entries()) {
      if (i > 0) await sleep(reply.pause ?? 150);
      if (i === reply.holdAfter) await reply.held;
      send({ choices: [{ index: 0, delta: { content: piece } }] });
    }
    send({ choices: [], usage: { prompt_tokens: 100, completion_tokens: 10 } });
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    asked,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
