//! "Who answers": agents only; a stored handler nothing answers yet is read-only, noted.

import { HandlerType } from "@porthole/client";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { HandlerChoice } from "./HandlerChoice";

afterEach(cleanup);

test("a new widget offers agents alone: no bot, workflow or hybrid", () => {
  render(<HandlerChoice value={HandlerType.AGENT} stored={HandlerType.AGENT} onChange={vi.fn()} />);
  const radios = screen.getAllByRole("radio");
  expect(radios).toHaveLength(1);
  expect(screen.getByRole("radio", { name: /Agents/ })).toHaveProperty("checked", true);
  expect(screen.queryByText(/Hybrid|Workflow/)).toBeNull();
  expect(screen.queryByRole("radio", { name: /AI bot/ })).toBeNull();
  expect(screen.queryByText(/Not available yet/)).toBeNull();
});

test.each([
  [HandlerType.HYBRID, "Hybrid (bot when nobody is free)"],
  [HandlerType.AI_BOT, "AI bot"],
  [HandlerType.WORKFLOW, "Workflow"],
])("a stored %s handler is shown read-only with a note", (handler, label) => {
  const onChange = vi.fn();
  render(<HandlerChoice value={handler} stored={handler} onChange={onChange} />);
  const stuck = screen.getByRole("radio", { name: new RegExp(label.replace(/[()]/g, "\\$&")) });
  expect(stuck).toHaveProperty("disabled", true);
  expect(stuck).toHaveProperty("checked", true);
  expect(screen.getByText("Not available yet: conversations go to agents.")).toBeTruthy();
  // Agents can still be chosen.
  fireEvent.click(screen.getByRole("radio", { name: /Agents/ }));
  expect(onChange).toHaveBeenCalledWith(HandlerType.AGENT);
});

test("after choosing agents (unsaved) the stored handler stays visible, unchosen", () => {
  render(
    <HandlerChoice value={HandlerType.AGENT} stored={HandlerType.HYBRID} onChange={vi.fn()} />,
  );
  expect(screen.getByRole("radio", { name: /Hybrid/ })).toHaveProperty("checked", false);
  expect(screen.getByRole("radio", { name: /Agents/ })).toHaveProperty("checked", true);
  expect(screen.getByText("Not available yet: conversations go to agents.")).toBeTruthy();
});
