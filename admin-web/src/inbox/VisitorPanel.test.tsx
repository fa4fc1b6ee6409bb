//! The visitor panel's location row: "City, Country" when the server located the visitor,
//! no row at all when it did not (no location database, or a private or unknown address).

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { GetMeResponseSchema, Role, VisitorProfileSchema } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test } from "vitest";
import { keys } from "./cache";
import { conversation } from "./testing";
import { VisitorPanel } from "./VisitorPanel";

afterEach(cleanup);

function renderPanel(visitor: MessageInitShape<typeof VisitorProfileSchema>) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, { user: { id: "usr_me" }, role: Role.AGENT }),
  );
  qc.setQueryData(keys.pageViews("vis_ada"), { pages: [], pageParams: [""] });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <VisitorPanel
          conversation={conversation("c1", 100, { visitorId: "vis_ada", visitorName: "Ada" })}
          visitor={create(VisitorProfileSchema, {
            id: "vis_ada",
            browser: "Firefox 140",
            ...visitor,
          })}
          onClose={() => {}}
        />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

test("a located visitor's city and country are shown under Location", () => {
  renderPanel({ countryCode: "DE", city: "Berlin", ipAddress: "203.0.113.7" });
  expect(screen.getByText("Location")).toBeTruthy();
  expect(screen.getByTestId("visitor-location").textContent).toBe("Berlin, Germany");
});

test("only the country when the city is unknown", () => {
  renderPanel({ countryCode: "JP", city: "" });
  expect(screen.getByTestId("visitor-location").textContent).toBe("Japan");
});

test("no location row at all when the visitor has none", () => {
  renderPanel({ countryCode: "", city: "", ipAddress: "10.1.2.3" });
  // The panel itself is there (its other details show) …
  expect(screen.getByText("Firefox 140")).toBeTruthy();
  // … but no empty Location row.
  expect(screen.queryByText("Location")).toBeNull();
  expect(screen.queryByTestId("visitor-location")).toBeNull();
});
