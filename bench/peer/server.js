// The Socket.IO peer for porthole-bench (issue 7): a chat server doing the job Porthole does in
// the chat scenario, written the plain way, so the figures say what Porthole's design costs.
//
// Visitors connect with auth {role: "visitor", id} and join room "v:<id>"; agents connect with
// {role: "agent"} and join room "agents". A visitor's "send" {body, key} is inserted into the
// messages table (SQLite, WAL, synchronous=NORMAL: the PRAGMAs Porthole's SQLite store sets),
// then emitted as "message" to the visitor's room and the agents' room, then acknowledged.
// GET /healthz answers 200 so porthole-bench waits for it as it does for Porthole.
//
// Environment: PORT (required), DATA_DIR (required; the database file goes there).

"use strict";

const http = require("node:http");
const path = require("node:path");
const Database = require("better-sqlite3");
const { Server } = require("socket.io");

const port = Number(process.env.PORT);
const dataDir = process.env.DATA_DIR;
if (!Number.isInteger(port) || port <= 0 || !dataDir) {
  console.error("peer server: set PORT and DATA_DIR");
  process.exit(2);
}

const db = new Database(path.join(dataDir, "peer.db"));
// The same PRAGMAs as server/src/store/mod.rs, so both store in the same kind of database.
db.exec(
  "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " +
    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
);
// client_key is UNIQUE so a retried send is rejected, as Porthole's idempotency key does.
db.exec(`CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  visitor_id TEXT NOT NULL,
  client_key TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
)`);
const insert = db.prepare(
  "INSERT INTO messages (visitor_id, client_key, body, created_at) VALUES (?, ?, ?, ?)",
);

const httpServer = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
    return;
  }
  res.writeHead(404);
  res.end();
});
// Nagle would hold small frames back, as it did for Porthole before TCP_NODELAY (BENCHMARKS.md).
httpServer.on("connection", (socket) => socket.setNoDelay(true));

// WebSocket only: the load client does not start with long-polling, so neither side pays for
// the upgrade dance, and every client is one TCP connection, as a browser's would be.
const io = new Server(httpServer, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  const auth = socket.handshake.auth || {};
  if (auth.role === "agent") {
    socket.join("agents");
    return;
  }
  if (auth.role !== "visitor" || typeof auth.id !== "string" || auth.id === "") {
    socket.disconnect(true);
    return;
  }
  const visitorId = auth.id;
  const room = `v:${visitorId}`;
  socket.join(room);
  socket.on("send", (message, ack) => {
    const reply = typeof ack === "function" ? ack : () => {};
    if (
      !message ||
      typeof message.body !== "string" ||
      typeof message.key !== "string" ||
      message.body.length > 10000
    ) {
      reply({ error: "bad message" });
      return;
    }
    let id;
    try {
      // better-sqlite3 is synchronous: the insert commits (one transaction) before anyone is told.
      id = insert.run(visitorId, message.key, message.body, Date.now()).lastInsertRowid;
    } catch (error) {
      reply({ error: String(error.message || error) });
      return;
    }
    io.to(room)
      .to("agents")
      .emit("message", { id: Number(id), visitor: visitorId, body: message.body });
    reply({ id: Number(id) });
  });
});

httpServer.listen(port, "127.0.0.1");

const stop = () => {
  io.close();
  db.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
