// The load client for the Socket.IO peer: the chat scenario of porthole-bench
// (bench/src/scenarios.rs `chat`) with the same pacing, against bench/peer/server.js.
//
// N visitors (one Socket.IO connection each, as a browser tab would have) and A agents; every
// visitor sends one message every T seconds on its own fixed schedule, phases spread evenly over
// T. Open loop: a message carries the time it was *due*, and latency is measured from then, so a
// stalled server or client cannot hide its delays. Prints "ready" when the sends are about to
// start (porthole-bench reads the server's CPU time then), and one JSON line at the end.
//
// Usage: node load.js --url http://127.0.0.1:PORT --visitors N --agents A --interval T
//        --duration SECS --warmup SECS

"use strict";

const { performance } = require("node:perf_hooks");
const { io } = require("socket.io-client");

function parseArgs(argv) {
  const args = { url: "", visitors: 200, agents: 5, interval: 2, duration: 20, warmup: 3 };
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
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

  const sockets = [];
  for (let a = 0; a < args.agents; a++) {
    const socket = await connect(args.url, { role: "agent" });
    socket.on("message", onMessage(toAgents));
    watch(socket);
    sockets.push(socket);
  }
  // Visitors connect in batches: thousands of simultaneous handshakes would overflow the
  // listen backlog and measure that rather than chat.
  const visitors = [];
  const batch = 100;
  for (let v = 0; v < args.visitors; v += batch) {
    const count = Math.min(batch, args.visitors - v);
    const ids = Array.from({ length: count }, (_, i) => `visitor-${v + i}`);
    const connected = await Promise.all(ids.map((id) => connect(args.url, { role: "visitor", id })));
    for (const socket of connected) {
      socket.on("message", onMessage(toVisitor));
      watch(socket);
      sockets.push(socket);
      visitors.push(socket);
    }
  }

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
