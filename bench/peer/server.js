// The Socket.IO peer for porthole-bench (issues 7 and 19): a chat server doing the job Porthole
// does in the chat and realistic scenarios, written the plain way, so the figures say what
// Porthole's design costs.
//
// Visitors connect with auth {role: "visitor", id} and join room "v:<id>"; agents connect with
// {role: "agent"} and join room "agents". A visitor's "send" {body, key} is inserted into the
// messages table, then emitted as "message" to the visitor's room and the agents' room, then
// acknowledged. A visitor's "page_view" {url, title, referrer} is inserted into the page_views
// table, then acknowledged. A visitor's "typing" (true or false) is passed to the agents' room.
// GET /healthz answers 200 (once the tables exist) so porthole-bench waits for it as it does for
// Porthole.
//
// Two databases, as Porthole has: SQLite by default (better-sqlite3, with the PRAGMAs Porthole's
// SQLite store sets: WAL, synchronous=NORMAL), or PostgreSQL when DATABASE_URL is set (the pg
// package: a pool, one parameterised INSERT per message or page view, awaited before anyone is
// told, as a Node stack on PostgreSQL does it).
//
// Environment: PORT (required), DATA_DIR (required; the SQLite file goes there), DATABASE_URL
// (optional, postgres://…).

"use strict";

const http = require("node:http");
const path = require("node:path");
const { Server } = require("socket.io");

const port = Number(process.env.PORT);
const dataDir = process.env.DATA_DIR;
const databaseUrl = process.env.DATABASE_URL || "";
if (!Number.isInteger(port) || port <= 0 || !dataDir) {
  console.error("peer server: set PORT and DATA_DIR");
  process.exit(2);
}

// Porthole's own limits on what a visitor sends (server/src/domain/conversation.rs, visitor.rs).
const MAX_BODY = 10000;
const MAX_URL = 2000;
const MAX_TITLE = 500;

// client_key is UNIQUE so a retried send is rejected, as Porthole's idempotency key does.
const MESSAGES_COLUMNS = `visitor_id TEXT NOT NULL,
  client_key TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL`;
const PAGE_VIEWS_COLUMNS = `visitor_id TEXT NOT NULL,
  url TEXT NOT NULL,
  title TEXT NOT NULL,
  referrer TEXT NOT NULL,
  created_at BIGINT NOT NULL`;

// Each store has the same two writes; each resolves with the new row's id once it is committed.
function openSqlite(file) {
  const Database = require("better-sqlite3");
  const db = new Database(file);
  // The same PRAGMAs as server/src/store/mod.rs, so both store in the same kind of database.
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " +
      "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
  );
  db.exec(`CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, ${MESSAGES_COLUMNS})`);
  db.exec(`CREATE TABLE IF NOT EXISTS page_views (id INTEGER PRIMARY KEY, ${PAGE_VIEWS_COLUMNS})`);
  const message = db.prepare(
    "INSERT INTO messages (visitor_id, client_key, body, created_at) VALUES (?, ?, ?, ?)",
  );
  const pageView = db.prepare(
    "INSERT INTO page_views (visitor_id, url, title, referrer, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  return {
    ready: Promise.resolve(),
    // better-sqlite3 is synchronous: each insert commits (one transaction) before it returns.
    insertMessage: async (...values) => Number(message.run(...values).lastInsertRowid),
    insertPageView: async (...values) => Number(pageView.run(...values).lastInsertRowid),
    close: async () => db.close(),
  };
}

function openPostgres(url) {
  const { Pool } = require("pg");
  // pg's default pool size (10): what a Node stack gets without tuning.
  const pool = new Pool({ connectionString: url });
  // An idle connection that breaks (the bench drops the database when it is done) must not
  // take the process down with an unhandled "error" event.
  pool.on("error", (error) =>
    console.error(`peer server: idle PostgreSQL connection: ${error.message}`),
  );
  const ready = (async () => {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS messages (id BIGSERIAL PRIMARY KEY, ${MESSAGES_COLUMNS})`,
    );
    await pool.query(
      `CREATE TABLE IF NOT EXISTS page_views (id BIGSERIAL PRIMARY KEY, ${PAGE_VIEWS_COLUMNS})`,
    );
  })();
  const insert =
    (sql) =>
    async (...values) =>
      Number((await pool.query(sql, values)).rows[0].id);
  return {
    ready,
    insertMessage: insert(
      "INSERT INTO messages (visitor_id, client_key, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    ),
    insertPageView: insert(
      "INSERT INTO page_views (visitor_id, url, title, referrer, created_at) " +
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
    ),
    close: () => pool.end(),
  };
}

const store = databaseUrl ? openPostgres(databaseUrl) : openSqlite(path.join(dataDir, "peer.db"));

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

const isText = (value, max) => typeof value === "string" && value.length <= max;

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
  const answer = (ack) => (typeof ack === "function" ? ack : () => {});

  socket.on("send", async (message, ack) => {
    const reply = answer(ack);
    if (!message || !isText(message.body, MAX_BODY) || typeof message.key !== "string") {
      reply({ error: "bad message" });
      return;
    }
    let id;
    try {
      // Stored (committed) before anyone is told.
      id = await store.insertMessage(visitorId, message.key, message.body, Date.now());
    } catch (error) {
      reply({ error: String(error.message || error) });
      return;
    }
    io.to(room).to("agents").emit("message", { id, visitor: visitorId, body: message.body });
    reply({ id });
  });

  socket.on("page_view", async (view, ack) => {
    const reply = answer(ack);
    if (
      !view ||
      !isText(view.url, MAX_URL) ||
      !isText(view.title, MAX_TITLE) ||
      !isText(view.referrer, MAX_URL)
    ) {
      reply({ error: "bad page view" });
      return;
    }
    try {
      const id = await store.insertPageView(
        visitorId,
        view.url,
        view.title,
        view.referrer,
        Date.now(),
      );
      reply({ id });
    } catch (error) {
      reply({ error: String(error.message || error) });
    }
  });

  // Not stored, as Porthole does not store typing either.
  socket.on("typing", (typing) => {
    io.to("agents").emit("typing", { visitor: visitorId, typing: typing === true });
  });
});

store.ready.then(
  () => httpServer.listen(port, "127.0.0.1"),
  (error) => {
    console.error(`peer server: cannot prepare the database: ${error.message}`);
    process.exit(1);
  },
);

const stop = () => {
  io.close();
  store.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
