//! Page-view history rules: refresh only when the count moved, flatten pages once each.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  ListVisitorPageViewsResponseSchema,
  PageViewSchema,
  VisitorProfileSchema,
} from "@porthole/client";
import { describe, expect, test } from "vitest";
import { flattenPageViews, pageViewsChanged, pageViewTitle, stripScheme } from "./pageViews";

const view = (url: string, at: number, title = "") =>
  create(PageViewSchema, { url, title, viewTime: timestampFromMs(at) });
const page = (...pageViews: ReturnType<typeof view>[]) =>
  create(ListVisitorPageViewsResponseSchema, { pageViews });

describe("pageViewsChanged", () => {
  const profile = (pageViews: bigint, online = true) =>
    create(VisitorProfileSchema, { id: "vis_1", pageViews, online });

  test("a new view (count moved) refreshes; presence or profile changes do not", () => {
    expect(pageViewsChanged(profile(3n), profile(4n))).toBe(true);
    expect(pageViewsChanged(profile(3n), profile(3n, false))).toBe(false);
  });

  test("without an earlier copy it refreshes to be safe", () => {
    expect(pageViewsChanged(undefined, profile(0n))).toBe(true);
  });
});

describe("flattenPageViews", () => {
  test("pages in order, each view once, keys unique", () => {
    const items = flattenPageViews([
      page(view("https://a.example/3", 3000), view("https://a.example/2", 2000)),
      page(view("https://a.example/2", 2000), view("https://a.example/1", 1000)),
    ]);
    expect(items.map((i) => i.view.url)).toEqual([
      "https://a.example/3",
      "https://a.example/2",
      "https://a.example/1",
    ]);
    expect(new Set(items.map((i) => i.key)).size).toBe(3);
  });

  test("the same page viewed twice at different times stays twice", () => {
    const items = flattenPageViews([
      page(view("https://a.example/", 2000), view("https://a.example/", 1000)),
    ]);
    expect(items).toHaveLength(2);
  });

  test("nothing loaded yet", () => {
    expect(flattenPageViews(undefined)).toEqual([]);
  });
});

describe("labels", () => {
  test("title first, else the URL without its scheme", () => {
    expect(pageViewTitle(view("https://shop.example/cart", 1, "Your cart"))).toBe("Your cart");
    expect(pageViewTitle(view("https://shop.example/cart", 1, "  "))).toBe("shop.example/cart");
    expect(pageViewTitle(view("", 1))).toBe("Unknown page");
    expect(stripScheme("http://shop.example/")).toBe("shop.example");
  });
});
