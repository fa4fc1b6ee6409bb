// The load client for the Socket.IO peer: the chat scenario of porthole-bench
// (bench/src/scenarios.rs `chat`) with the same pacing, against bench/peer/server.js; with
// --nav-interval, the realistic scenario (bench/src/realistic.rs) instead.
//
// Chat: N visitors (one Socket.IO connection each, as a browser tab would have) and A agents; every
// visitor sends one message every T seconds on its own fixed schedule, phases spread evenly over
// T. Open loop: a message carries the time it was *due*, and latency is measured from then, so a
// stalled server or client cannot hide its delays. Prints "ready" when the sends are about to
// start (porthole-bench reads the server's CPU time then), and one JSON line at the end.
//
// Realistic: N visitors connect and stay; each emits "page_view" (stored by the server) every
// --nav-interval seconds, and the --chatting share of them (the same visitors porthole-bench
// picks: every (1/share)-th) emits "typing" --typing-lead seconds before each message, then
// "typing" false and "send" every --chat-interval seconds. Every call is due at its own time,
// phases spread evenly. Measured: what is due from --warmup after the steady state began, for
// --duration (a message due before carries a "w:" body, which receivers ignore), then 1 s to
// drain. The JSON adds the calls' latency from when they were due (acknowledgements).
//
// Usage: node load.js --url http://127.0.0.1:PORT --visitors N --agents A --interval T
//        --duration SECS --warmup SECS
//        node load.js --url … --visitors N --agents A --duration SECS --warmup SECS
//        --nav-interval SECS --chatting SHARE --chat-interval SECS --typing-lead SECS

"use strict";

const { performance } = require("node:perf_hooks");
const { io } = require("socket.io-client");

function parseArgs(argv) {
  const args = {
    url: "",
    visitors: 200,
    agents: 5,
    interval: 2,
    duration: 20,
    warmup: 3,
    // Realistic mode when more than 0.
    "nav-interval": 0,
    chatting: 0.05,
    "chat-interval": 20,
    "typing-lead": 2,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    const name = flag.replace(/^--/, "");
    if (!(name in args) || value === undefined) {
      throw new Error(`bad flag ${flag}`);
    }
    args[name] = name === "url" ? value : Number(value);
    if (name !== "url" && !(args[name] >= 0)) {
      throw new Error(`bad value for ${flag}: ${value}`);
    }
  }
  if (!args.url) {
    throw new Error("--url is required");
  }
  if (args["nav-interval"] > 0 && !(args["chat-interval"] > 0 && args.chatting <= 1)) {
    throw new Error("--chat-interval must be more than 0 and --chatting at most 1");
  }
  return args;
}

// Exact percentiles over every sample (there are at most a few million, so sorting is cheap);
// the rank is the one HdrHistogram's value_at_quantile uses, so the two sides read alike.
function summary(samples) {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const at = (q) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]);
  const ms = (us) => Math.round(us) / 1000;
  return {
    count: n,
    p50_ms: ms(at(0.5)),
    p99_ms: ms(at(0.99)),
    p999_ms: ms(at(0.999)),
    max_ms: ms(n === 0 ? 0 : sorted[n - 1]),
  };
}

function connect(url, auth) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: 20000,
      auth,
    });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(new Error(`connect ${auth.role}: ${error.message}`));
    });
  });
}

// Agents, then visitors in batches: thousands of simultaneous handshakes would overflow the
// listen backlog and measure that rather than chat. `onMessage(samples)` handles "message".
async function connectAll(args, onMessage, toVisitor, toAgents, watch) {
  const agents = [];
  for (let a = 0; a < args.agents; a++) {
    const socket = await connect(args.url, { role: "agent" });
    socket.on("message", onMessage(toAgents));
    watch(socket);
    agents.push(socket);
  }
  const visitors = [];
  const batch = 100;
  for (let v = 0; v < args.visitors; v += batch) {
    const count = Math.min(batch, args.visitors - v);
    const ids = Array.from({ length: count }, (_, i) => `visitor-${v + i}`);
    const connected = await Promise.all(
      ids.map((id) => connect(args.url, { role: "visitor", id })),
    );
    for (const socket of connected) {
      socket.on("message", onMessage(toVisitor));
      watch(socket);
      visitors.push(socket);
    }
  }
  return { agents, visitors };
}

// Calls `call(due)` at `first`, then every `everyMs`, while it is due before `end`: one at a
// time (the next waits for the previous to be answered), each at its own time. libuv's timers
// run on a millisecond clock and may fire just before `due`; a call made early would shorten its
// own latency, so the remainder is waited out.
function onSchedule(first, everyMs, end, call) {
  return new Promise((resolve) => {
    let due = first;
    const tick = async () => {
      if (performance.now() < due) {
        setTimeout(tick, 1);
        return;
      }
      await call(due);
      due += everyMs;
      if (due < end) {
        setTimeout(tick, Math.max(0, due - performance.now()));
      } else {
        resolve();
      }
    };
    if (due < end) {
      setTimeout(tick, Math.max(0, due - performance.now()));
    } else {
      resolve();
    }
  });
}

// Emits `event` with `payload` and waits for the acknowledgement (10 s at most): true when the
// server stored it.
function call(socket, event, payload) {
  return new Promise((resolve) => {
    socket
      .timeout(10000)
      .emit(event, payload, (error, reply) => resolve(!error && !!reply && !reply.error));
  });
}

// The same rule as `chats` in bench/src/realistic.rs, with the same arithmetic.
const chats = (v, share) => Math.floor((v + 1) * share) > Math.floor(v * share);

async function realistic(args) {
  const origin = performance.now();
  const toVisitor = [];
  const toAgents = [];
  const calls = { page_view: [], send: [] };
  // Typing is not acknowledged (the server only passes it on): counted, not timed.
  let typingInWindow = 0;
  let disconnects = 0;
  let running = true;
  // Only the window's messages carry "b:", so every one that arrives counts.
  const onMessage = (samples) => (message) => {
    const now = performance.now();
    if (!message || typeof message.body !== "string" || !message.body.startsWith("b:")) {
      return;
    }
    const due = Number(message.body.slice(2));
    if (Number.isFinite(due) && now - origin >= due / 1000) {
      samples.push((now - origin) * 1000 - due);
    }
  };
  const watch = (socket) =>
    socket.on("disconnect", () => {
      if (running) {
        disconnects += 1;
      }
    });
  const { agents, visitors } = await connectAll(args, onMessage, toVisitor, toAgents, watch);

  const navMs = args["nav-interval"] * 1000;
  const chatMs = args["chat-interval"] * 1000;
  const leadMs = args["typing-lead"] * 1000;
  const start = performance.now() + 200;
  const measureFrom = start + args.warmup * 1000;
  const end = measureFrom + args.duration * 1000;
  const chatting = visitors.filter((_, v) => chats(v, args.chatting)).length;
  let sent = 0;
  let errors = 0;
  let measuredSent = 0;
  const note = (kind, due, ok) => {
    if (!ok) {
      errors += 1;
    } else if (due >= measureFrom) {
      calls[kind].push((performance.now() - due) * 1000);
    }
  };
  process.stdout.write("ready\n");
  const schedules = [];
  let k = 0;
  visitors.forEach((socket, v) => {
    const phase = (everyMs) => (everyMs * v) / visitors.length;
    let page = 1;
    schedules.push(
      onSchedule(start + phase(navMs), navMs, end, async (due) => {
        page += 1;
        const view = {
          url: `https://shop.example.com/products/${page}`,
          title: `Product ${page} | Shop`,
          referrer: "https://www.example.org/search?q=shop",
        };
        note("page_view", due, await call(socket, "page_view", view));
      }),
    );
    if (!chats(v, args.chatting)) {
      return;
    }
    const typingFrom = start + (chatMs * k) / Math.max(1, chatting);
    k += 1;
    let n = 0;
    schedules.push(
      onSchedule(typingFrom, chatMs, end - leadMs, async (typingDue) => {
        socket.emit("typing", true);
        if (typingDue >= measureFrom) {
          typingInWindow += 1;
        }
        const due = typingDue + leadMs;
        while (performance.now() < due) {
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, due - performance.now())));
        }
        const measured = due >= measureFrom;
        const dueUs = Math.round((due - origin) * 1000);
        socket.emit("typing", false);
        if (measured) {
          typingInWindow += 1;
        }
        const ok = await call(socket, "send", {
          body: `${measured ? "b" : "w"}:${dueUs}`,
          key: `r${v}-${n}`,
        });
        n += 1;
        if (ok) {
          sent += 1;
        }
        if (measured) {
          measuredSent += 1;
        }
        note("send", due, ok);
      }),
    );
  });
  // Each schedule ends once its last call was answered (or timed out); then 1 s for deliveries.
  await Promise.all(schedules);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  running = false;
  const answered = calls.page_view.length + calls.send.length + typingInWindow;
  const result = {
    visitors: args.visitors,
    agents: args.agents,
    chatting,
    chat_interval_s: args["chat-interval"],
    nav_interval_s: args["nav-interval"],
    messages_sent: sent,
    measured_sent: measuredSent,
    errors: errors + disconnects,
    disconnects,
    calls_per_sec: answered / args.duration,
    to_visitor: summary(toVisitor),
    to_agents: summary(toAgents),
    calls: { page_view: summary(calls.page_view), send: summary(calls.send) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const socket of [...agents, ...visitors]) {
    socket.close();
  }
  process.exit(0);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args["nav-interval"] > 0) {
    await realistic(args);
    return;
  }
  const origin = performance.now();
  // As in scenarios.rs: the window opens 2 s + warmup after setup began, or when the sends
  // start if setup took longer, and lasts `duration`.
  const measureFrom = origin + 2000 + args.warmup * 1000;
  const toVisitor = [];
  const toAgents = [];
  let disconnects = 0;
  let running = true;
  const onMessage = (samples) => (message) => {
    const now = performance.now();
    if (now < measureFrom || !message || typeof message.body !== "string") {
      return;
    }
    const due = Number(message.body.startsWith("b:") ? message.body.slice(2) : Number.NaN);
    if (Number.isFinite(due) && now - origin >= due / 1000) {
      samples.push((now - origin) * 1000 - due);
    }
  };
  const watch = (socket) =>
    socket.on("disconnect", () => {
      if (running) {
        disconnects += 1;
      }
    });

  const { agents, visitors } = await connectAll(args, onMessage, toVisitor, toAgents, watch);
  const sockets = [...agents, ...visitors];

  const intervalMs = args.interval * 1000;
  const start = performance.now() + 200;
  const end = Math.max(start, measureFrom) + args.duration * 1000;
  let sent = 0;
  let errors = 0;
  let measuredSent = 0;
  let pending = 0;
  process.stdout.write("ready\n");
  visitors.forEach((socket, v) => {
    let due = start + (intervalMs * v) / Math.max(1, args.visitors);
    let n = 0;
    const tick = () => {
      // libuv's timers run on a millisecond clock and may fire just before `due`; a send that
      // went out early would shorten its own latency, so wait out the remainder.
      if (performance.now() < due) {
        setTimeout(tick, 1);
        return;
      }
      const dueUs = Math.round((due - origin) * 1000);
      if (due >= measureFrom) {
        measuredSent += 1;
      }
      pending += 1;
      socket
        .timeout(10000)
        .emit("send", { body: `b:${dueUs}`, key: `c${v}-${n}` }, (error, reply) => {
          pending -= 1;
          if (error || !reply || reply.error) {
            errors += 1;
          } else {
            sent += 1;
          }
        });
      n += 1;
      due += intervalMs;
      if (due < end) {
        setTimeout(tick, Math.max(0, due - performance.now()));
      }
    };
    setTimeout(tick, Math.max(0, due - performance.now()));
  });

  // Wait for the last sends' acknowledgements (or their 10 s timeouts), then 1 s for deliveries.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - performance.now())));
  const giveUp = performance.now() + 11000;
  while (pending > 0 && performance.now() < giveUp) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  running = false;
  const result = {
    visitors: args.visitors,
    agents: args.agents,
    interval_s: args.interval,
    messages_sent: sent,
    measured_sent: measuredSent,
    errors: errors + disconnects,
    disconnects,
    to_visitor: summary(toVisitor),
    to_agents: summary(toAgents),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const socket of sockets) {
    socket.close();
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(`peer load: ${error.message}`);
  process.exit(1);
});
