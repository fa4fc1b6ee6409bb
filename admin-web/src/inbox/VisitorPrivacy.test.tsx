//! The visitor panel's privacy actions: only owners and admins see them; the export saves
//! the server's JSON under its file name; erasing needs ERASE typed, then closes the
//! conversation and forgets the visitor; refusals are shown where the agent is looking.

import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  EraseVisitorResponseSchema,
  ExportVisitorDataResponseSchema,
  GetConversationResponseSchema,
  GetMeResponseSchema,
  Role,
  VisitorProfileSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation, useParams } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { Toaster } from "../components/ui/Toast";
import { conversationClient } from "../lib/api";
import { keys } from "./cache";
import { erasingHere } from "./FeedProvider";
import { defaultFilter, flattenList, type ListData } from "./model";
import { conversation, page } from "./testing";
import { VisitorPanel } from "./VisitorPanel";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  erasingHere.clear();
});

const ada = conversation("c1", 100, { visitorId: "vis_ada", visitorName: "Ada Lovelace" });

function Panel() {
  const { conversationId } = useParams();
  return (
    <VisitorPanel
      conversation={conversationId === "c1" ? ada : undefined}
      visitor={create(VisitorProfileSchema, { id: "vis_ada" })}
      onClose={() => {}}
    />
  );
}

function Where() {
  const location = useLocation();
  return <output aria-label="Location">{location.pathname + location.search}</output>;
}

function renderPanel(role: Role) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_me" }, role }));
  qc.setQueryData(keys.pageViews("vis_ada"), { pages: [], pageParams: [""] });
  qc.setQueryData<ListData>(keys.list(defaultFilter), {
    pages: [page([ada, conversation("c0", 50)])],
    pageParams: [""],
  });
  qc.setQueryData(
    keys.conversation("c1"),
    create(GetConversationResponseSchema, { conversation: ada, visitor: { id: "vis_ada" } }),
  );
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/inbox/c1?status=all"]}>
        <Routes>
          <Route path="/inbox/:conversationId" element={<Panel />} />
          <Route path="/inbox" element={<Where />} />
        </Routes>
      </MemoryRouter>
      <Toaster />
    </QueryClientProvider>,
  );
  const listed = () =>
    flattenList(qc.getQueryData<ListData>(keys.list(defaultFilter))).map((c) => c.id);
  return { qc, listed };
}

const denied = () => new ConnectError("only owners and admins may do this", Code.PermissionDenied);

test("agents see no privacy actions; owners and admins do", () => {
  renderPanel(Role.AGENT);
  expect(screen.queryByText("Privacy")).toBeNull();
  expect(screen.queryByRole("button", { name: /Export data/ })).toBeNull();
  cleanup();
  for (const role of [Role.ADMIN, Role.OWNER]) {
    renderPanel(role);
    expect(screen.getByText("Privacy")).toBeTruthy();
    expect(screen.getByRole("button", { name: /Export data/ })).toBeTruthy();
    expect(screen.getByRole("button", { name: /Erase visitor/ })).toBeTruthy();
    cleanup();
  }
});

test("Export data saves the server's JSON under its file name", async () => {
  const json = '{"visitor":{"id":"vis_ada"}}';
  const exportData = vi
    .spyOn(conversationClient, "exportVisitorData")
    .mockResolvedValue(
      create(ExportVisitorDataResponseSchema, { json, fileName: "visitor-vis_ada.json" }),
    );
  const blobs: Blob[] = [];
  vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
    blobs.push(blob as Blob);
    return "blob:export";
  });
  const revoke = vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
  const clicked: { href: string; download: string; attached: boolean }[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    clicked.push({ href: this.href, download: this.download, attached: this.isConnected });
  });
  renderPanel(Role.ADMIN);
  fireEvent.click(screen.getByRole("button", { name: /Export data/ }));
  await waitFor(() => expect(clicked).toHaveLength(1));
  expect(exportData).toHaveBeenCalledWith({ visitorId: "vis_ada" });
  expect(clicked[0]).toEqual({
    href: "blob:export",
    download: "visitor-vis_ada.json",
    attached: true,
  });
  expect(await blobs[0]?.text()).toBe(json);
  expect(blobs[0]?.type).toBe("application/json");
  // The link is gone again; the blob is freed later, once the browser has read it.
  expect(document.querySelector("a[download]")).toBeNull();
  expect(revoke).not.toHaveBeenCalled();
  await screen.findByText("Data exported");
});

test("a refused export says so in the panel", async () => {
  vi.spyOn(conversationClient, "exportVisitorData").mockRejectedValue(denied());
  renderPanel(Role.ADMIN);
  fireEvent.click(screen.getByRole("button", { name: /Export data/ }));
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("The data could not be exported.");
  expect(alert.textContent).toContain("only owners and admins may do this");
});

test("erasing needs ERASE typed, then closes the conversation and forgets the visitor", async () => {
  const erase = vi
    .spyOn(conversationClient, "eraseVisitor")
    .mockResolvedValue(create(EraseVisitorResponseSchema, { conversations: 2 }));
  const { qc, listed } = renderPanel(Role.OWNER);
  fireEvent.click(screen.getByRole("button", { name: /Erase visitor/ }));
  const dialog = screen.getByRole("dialog", { name: "Erase Ada Lovelace?" });
  expect(dialog.textContent).toContain(
    "all their conversations, with every message, note and file",
  );
  const confirm = within(dialog).getByRole("button", { name: /Erase for good/ });
  expect((confirm as HTMLButtonElement).disabled).toBe(true);
  const input = within(dialog).getByLabelText("Type ERASE to confirm");
  fireEvent.change(input, { target: { value: "erase" } });
  expect((confirm as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(input, { target: { value: "ERASE" } });
  expect((confirm as HTMLButtonElement).disabled).toBe(false);
  fireEvent.click(confirm);

  // Back to the inbox with the same filters; the visitor is gone from lists and cache.
  const where = await screen.findByRole("status", { name: "Location" });
  expect(where.textContent).toBe("/inbox?status=all");
  expect(erase).toHaveBeenCalledWith({ visitorId: "vis_ada" });
  expect(listed()).toEqual(["c0"]);
  expect(qc.getQueryData(keys.conversation("c1"))).toBeUndefined();
  expect(screen.queryByRole("dialog")).toBeNull();
  await screen.findByText("Visitor erased");
  screen.getByText("Ada Lovelace and 2 conversations were deleted.");
  // The feed's own event for this erasure will not toast a second time.
  expect(erasingHere.has("vis_ada")).toBe(true);
});

test("a refused erasure keeps the dialog open and says why", async () => {
  vi.spyOn(conversationClient, "eraseVisitor").mockRejectedValue(denied());
  const { listed } = renderPanel(Role.ADMIN);
  fireEvent.click(screen.getByRole("button", { name: /Erase visitor/ }));
  const dialog = screen.getByRole("dialog", { name: "Erase Ada Lovelace?" });
  fireEvent.change(within(dialog).getByLabelText("Type ERASE to confirm"), {
    target: { value: "ERASE" },
  });
  fireEvent.click(within(dialog).getByRole("button", { name: /Erase for good/ }));
  const alert = await within(dialog).findByRole("alert");
  expect(alert.textContent).toContain("The visitor was not erased.");
  expect(alert.textContent).toContain("only owners and admins may do this");
  expect(listed()).toEqual(["c1", "c0"]);
  expect(erasingHere.has("vis_ada")).toBe(false);
});
