//! A stand-in for an OpenAI-compatible model server in the widget's end-to-end tests:
//! `POST /v1/chat/completions` on 127.0.0.1 answered from a script, as OpenAI, Ollama or
//! vLLM would answer the server's real client over HTTP: text streamed as server-sent
//! events in pieces (optionally held half way until the test lets it go on), or an error
//! status while the provider is down. Every request is recorded.

import { createServer, type IncomingMessage, type Server } from "node:http";

/** What the model does with one request. */
export type Script =
  | {
      kind: "answer";
      /** The answer's text in the pieces it streams in. */
      pieces: string[];
      /** Milliseconds between pieces. */
      pause: number;
      /** Stops after this many pieces until `held` resolves (for looking at a half answer). */
      holdAfter?: number;
      held?: Promise<void>;
    }
  | { kind: "fail"; status: number };

/** A request the model got: its JSON body. */
export interface Asked {
  model: string;
  stream: boolean;
  messages: { role: string; content: string | null }[];
}

export interface Model {
  /** The value for PORTHOLE_LLM_BASE_URL (`…/v1`). */
  baseUrl: string;
  /** Queues what the next request gets; after the queue, `fallback`. (Not `then`: the
   * model would pass for a promise.) */
  next: (script: Script) => void;
  /** What requests get when nothing is queued (at first: a short "I do not know."). */
  fallback: Script;
  /** Every request so far, oldest first. */
  asked: Asked[];
  /** Answers that finished streaming. */
  finished: () => number;
  close: () => Promise<void>;
}

/** A streamed answer of `text`, cut at spaces into about `pieces` parts. */
export function answer(text: string, pause = 150, pieces = 6): Extract<Script, { kind: "answer" }> {
  const words = text.split(/(?<= )/);
  const size = Math.max(1, Math.ceil(words.length / pieces));
  const parts: string[] = [];
  for (let i = 0; i < words.length; i += size) parts.push(words.slice(i, i + size).join(""));
  return { kind: "answer", pieces: parts, pause };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function modelServer(): Promise<Model> {
  const queue: Script[] = [];
  let finished = 0;
  const model: Model = {
    baseUrl: "",
    next: (script) => queue.push(script),
    fallback: answer("I do not know.", 20, 1),
    asked: [],
    finished: () => finished,
    close: () => new Promise((done) => server.close(() => done())),
  };
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    model.asked.push(JSON.parse(await bodyOf(req)) as Asked);
    const script = queue.shift() ?? model.fallback;
    if (script.kind === "fail") {
      res.writeHead(script.status, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `scripted failure ${script.status}`, type: "server_error" },
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`);
    send({ choices: [{ index: 0, delta: { role: "assistant", content: "" } }] });
    for (const [i, piece] of script.pieces.entries()) {
      if (i > 0) await sleep(script.pause);
      if (i === script.holdAfter) await script.held;
      send({ choices: [{ index: 0, delta: { content: piece } }] });
    }
    send({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    res.end("data: [DONE]\n\n");
    finished += 1;
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  model.baseUrl = `http://127.0.0.1:${port}/v1`;
  return model;
}
