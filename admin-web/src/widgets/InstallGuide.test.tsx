//! The Install card: the snippet, where to paste it on each kind of site, the test chat.

import { create } from "@bufbuild/protobuf";
import { GetEmbedSnippetResponseSchema, WidgetSchema } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, expect, test } from "vitest";
import { InstallCard, PLATFORMS, testChatUrl } from "./InstallGuide";

afterEach(cleanup);

const snippet = '<script src="https://chat.example/widget/abc/loader.js" async></script>';

function renderCard(allowedDomains: string[] = [], active = true) {
  const widget = create(WidgetSchema, {
    id: "wgt_1",
    name: "Shop",
    active,
    publicToken: "0123456789abcdef0123456789abcdef",
    settings: { allowedDomains },
  });
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Infinity, retry: false } },
  });
  qc.setQueryData(
    ["embed", widget.id, widget.publicToken],
    create(GetEmbedSnippetResponseSchema, { html: snippet }),
  );
  render(
    <QueryClientProvider client={qc}>
      <InstallCard widget={widget} created />
    </QueryClientProvider>,
  );
}

const steps = () =>
  within(screen.getByRole("tabpanel"))
    .getAllByRole("listitem")
    .map((li) => li.textContent ?? "");

test("a new widget's card: the snippet, then where to paste it on each platform", () => {
  renderCard();
  expect(screen.getByText("Your widget is ready: add it to your site")).toBeTruthy();
  expect(screen.getByTestId("embed-snippet").textContent).toBe(snippet);
  expect(PLATFORMS.map(([, label]) => label)).toEqual([
    "Any website",
    "WordPress",
    "Shopify",
    "Google Tag Manager",
  ]);
  expect(steps().join(" ")).toContain("just before the closing </body> tag");

  fireEvent.click(screen.getByRole("tab", { name: "WordPress" }));
  expect(screen.getByRole("tab", { name: "WordPress" }).getAttribute("aria-selected")).toBe("true");
  expect(steps()).toEqual([
    expect.stringContaining("WPCode"),
    expect.stringContaining("Code Snippets → Header & Footer"),
    expect.stringContaining("Footer box"),
  ]);

  fireEvent.click(screen.getByRole("tab", { name: "Shopify" }));
  expect(steps().join(" ")).toMatch(/Online Store → Themes.*Edit code.*theme\.liquid.*<\/body>/);

  fireEvent.click(screen.getByRole("tab", { name: "Google Tag Manager" }));
  expect(steps().join(" ")).toMatch(/Custom HTML.*All Pages.*Publish/);
});

test("the test chat opens the widget's test page; a hint when it cannot work there", () => {
  renderCard();
  const link = screen.getByRole("link", { name: /Try a test chat/ });
  expect(link.getAttribute("href")).toBe(testChatUrl("0123456789abcdef0123456789abcdef"));
  expect(link.getAttribute("href")).toMatch(/try-widget\.html\?token=0123456789abcdef/);
  expect(link.getAttribute("target")).toBe("_blank");
  expect(screen.queryByText(/not among the allowed websites/)).toBeNull();
  cleanup();
  renderCard(["shop.example"]);
  expect(screen.getByText(/is not among the allowed websites/)).toBeTruthy();
  cleanup();
  renderCard([], false);
  expect(screen.getByText(/The widget is inactive/)).toBeTruthy();
});
