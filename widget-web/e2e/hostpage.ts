//! Host pages on a second origin for the widget's end-to-end tests: a site with
//! aggressive global CSS, a single-page app, and pages embedding any widget token.

import { createServer, type Server } from "node:http";

export interface HostSite {
  url: string;
  /** Serves `html` at `path` from now on. */
  page: (path: string, html: string) => void;
  close: () => Promise<void>;
}

/** A tiny static site on 127.0.0.1 with a random port (a different origin from Porthole). */
export async function hostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const html = pages.get(path) ?? pages.get("*");
    if (!html) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    page: (path, html) => pages.set(path, html),
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** The embed snippet as the dashboard hands it out. */
export const snippet = (serverUrl: string, widgetToken: string) =>
  `<script src="${serverUrl}/widget/${widgetToken}/loader.js" async></script>`;

/** A page whose CSS tries hard to restyle everything, including any widget. */
export const hostileCss = `<style>
  * { all: unset !important; font: 40px/3 "Comic Sans MS", cursive !important; color: red !important;
      background: yellow !important; border: 5px dashed blue !important; box-sizing: content-box !important; }
  div, button, textarea, span, form { display: block !important; width: 10px !important; transform: rotate(7deg) !important; }
  [data-porthole], [data-porthole] * { display: none !important; opacity: 0 !important; }
  html, body, head { display: block !important; } style, script { display: none !important; }
  .probe { cursor: text !important; }
</style>`;
