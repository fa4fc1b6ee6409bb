//! A local SMTP server for the end-to-end tests: it speaks enough SMTP (plain, no TLS, no
//! auth) for the server's mail client (lettre) to deliver to it over TCP, possibly several
//! messages on one connection, and keeps what it receives; it can refuse chosen recipients.
//! The Rust tests have the same thing in server/tests/it/mailbox.rs.

import { createServer, type Socket } from "node:net";

/** One message as received: the envelope recipients and the raw data. */
export interface ReceivedMail {
  to: string[];
  data: string;
}

export interface Mailbox {
  /** `smtp://127.0.0.1:PORT`, for PORTHOLE_SMTP_URL. */
  url: string;
  received: () => ReceivedMail[];
  /** Waits until `count` messages have arrived (`timeoutMs` at most). */
  waitFor: (count: number, timeoutMs?: number) => Promise<ReceivedMail[]>;
  close: () => Promise<void>;
}

/**
 * The data with quoted-printable soft line breaks (`=\r\n`) and `=3D` undone: enough to
 * find a link or a phrase in the text part.
 */
export function mailText(mail: ReceivedMail): string {
  return mail.data.replaceAll("=\r\n", "").replaceAll("=3D", "=");
}

/** The first link in `mail` whose path starts with `pathPrefix` (e.g. `/app/reset-password/`). */
export function linkIn(mail: ReceivedMail, pathPrefix: string): string {
  const escaped = pathPrefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const found = mailText(mail).match(new RegExp(`https?://[^\\s/"<>]+${escaped}[A-Za-z0-9_-]+`));
  if (!found) throw new Error(`no ${pathPrefix} link in the e-mail:\n${mail.data}`);
  return found[0];
}

export interface MailboxOptions {
  /**
   * A recipient this returns a reply for is refused at `RCPT TO` with it (e.g.
   * `["550-5.1.1 No such user", "550 5.1.1 Try another address"]`, a multi-line reply), as a
   * real mail server refuses an unknown address for good.
   */
  refuse?: (address: string) => string[] | undefined;
}

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const received: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    converse(socket, (mail) => received.push(mail), options.refuse ?? (() => undefined));
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => [...received],
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} e-mails, got ${received.length}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return [...received];
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/** One SMTP conversation: commands line by line, and between DATA and `.` the message. */
function converse(
  socket: Socket,
  deliver: (mail: ReceivedMail) => void,
  refuse: (address: string) => string[] | undefined,
): void {
  let buffer = "";
  let to: string[] = [];
  /** The message being received, while in DATA. */
  let data: string[] | undefined;
  const reply = (line: string) => socket.write(`${line}\r\n`);

  reply("220 mailbox.test ESMTP");
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data) {
        if (line === ".") {
          // Dot-stuffing undone: a data line starting with "." was sent with one more.
          deliver({ to, data: data.map((l) => (l.startsWith(".") ? l.slice(1) : l)).join("\r\n") });
          data = undefined;
          to = [];
          reply("250 queued");
        } else {
          data.push(line);
        }
        continue;
      }
      const command = line.toUpperCase();
      if (command.startsWith("EHLO")) {
        reply("250-mailbox.test");
        reply("250 8BITMIME");
      } else if (command.startsWith("RCPT TO:")) {
        const address = line.slice(8).trim().replace(/^</, "").replace(/>$/, "");
        const refusal = refuse(address);
        if (refusal) {
          for (const refusalLine of refusal) reply(refusalLine);
        } else {
          to.push(address);
          reply("250 OK");
        }
      } else if (command === "DATA") {
        data = [];
        reply("354 go ahead");
      } else if (command === "QUIT") {
        reply("221 bye");
        socket.end();
      } else {
        // HELO, MAIL FROM, RSET, NOOP, …
        if (command.startsWith("MAIL FROM") || command.startsWith("RSET")) to = [];
        reply("250 OK");
      }
    }
  });
}
