//! Link detection: web and e-mail addresses become links without the sentence's
//! punctuation; nothing else ever does.

import { describe, expect, it } from "vitest";
import { linkify } from "./links.js";

const links = (body: string) => linkify(body).flatMap((p) => ("href" in p ? [p.href] : []));

describe("linkify", () => {
  it("links web and e-mail addresses, trimming sentence punctuation", () => {
    expect(linkify("see https://example.com/a?b=1, or mail ann@example.com.")).toEqual([
      { text: "see " },
      { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: ", or mail " },
      { text: "ann@example.com", href: "mailto:ann@example.com" },
      { text: "." },
    ]);
    expect(linkify("www.example.org")).toEqual([
      { text: "www.example.org", href: "https://www.example.org" },
    ]);
  });

  it("never links javascript: or HTML", () => {
    const body = `<img src=x onerror=alert(1)> javascript:alert(1) <a href="javascript:x">y</a>`;
    expect(linkify(body)).toEqual([{ text: body }]);
  });

  it("leaves sentence punctuation after a link out of it", () => {
    expect(links("Go to https://example.com/docs.")).toEqual(["https://example.com/docs"]);
    expect(links("really https://example.com/?! yes")).toEqual(["https://example.com/"]);
    expect(links('"https://example.com/a";')).toEqual(["https://example.com/a"]);
    expect(links("(see https://example.com/a)")).toEqual(["https://example.com/a"]);
    expect(links("[https://example.com/a]")).toEqual(["https://example.com/a"]);
    expect(links("https://example.com/a...")).toEqual(["https://example.com/a"]);
  });

  it("keeps brackets the address opened itself", () => {
    const wiki = "https://en.wikipedia.org/wiki/Rust_(programming_language)";
    expect(links(`read ${wiki}.`)).toEqual([wiki]);
    expect(links(`(read ${wiki})`)).toEqual([wiki]);
  });

  it("only http, https and www. addresses, any case", () => {
    expect(links("HTTPS://EXAMPLE.COM WWW.Example.com")).toEqual([
      "HTTPS://EXAMPLE.COM",
      "https://WWW.Example.com",
    ]);
    expect(links("ftp://example.com data:text/html,x file:///etc/passwd")).toEqual([]);
    expect(links("javascript://example.com/%0Aalert(1)")).toEqual([]);
    expect(links("https://. and www..")).toEqual([]);
  });

  it("gives the body back unchanged when the parts are joined", () => {
    for (const body of [
      "",
      "plain",
      "a https://x.example/b, c",
      "mail ann@example.com or www.example.com!",
      "(https://en.wikipedia.org/wiki/A_(b))",
    ]) {
      expect(
        linkify(body)
          .map((p) => p.text)
          .join(""),
      ).toBe(body);
    }
  });
});
