//! "Who answers": agents, the AI bot and hybrid can be chosen, never a workflow; a stored
//! workflow is read-only, noted.

import { HandlerType } from "@porthole/client";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { HandlerChoice } from "./HandlerChoice";

afterEach(cleanup);

test("agents, the AI bot and hybrid are offered; a workflow is not", () => {
  const onChange = vi.fn();
  render(
    <HandlerChoice value={HandlerType.AGENT} stored={HandlerType.AGENT} onChange={onChange} />,
  );
  const radios = screen.getAllByRole("radio");
  expect(radios).toHaveLength(3);
  expect(screen.getByRole("radio", { name: /Agents/ })).toHaveProperty("checked", true);
  expect(screen.getByRole("radio", { name: /^AI bot/ })).toHaveProperty("checked", false);
  expect(
    screen.getByRole("radio", { name: /Hybrid \(agents first, bot when nobody is available\)/ }),
  ).toHaveProperty("checked", false);
  expect(screen.queryByText(/Workflow/)).toBeNull();
  expect(screen.queryByText(/Not available yet/)).toBeNull();

  fireEvent.click(screen.getByRole("radio", { name: /^AI bot/ }));
  expect(onChange).toHaveBeenLastCalledWith(HandlerType.AI_BOT);
  fireEvent.click(screen.getByRole("radio", { name: /Hybrid/ }));
  expect(onChange).toHaveBeenLastCalledWith(HandlerType.HYBRID);
});

test("a stored workflow is shown read-only with a note; the others can still be chosen", () => {
  const onChange = vi.fn();
  render(
    <HandlerChoice
      value={HandlerType.WORKFLOW}
      stored={HandlerType.WORKFLOW}
      onChange={onChange}
    />,
  );
  const stuck = screen.getByRole("radio", { name: /Workflow/ });
  expect(stuck).toHaveProperty("disabled", true);
  expect(stuck).toHaveProperty("checked", true);
  expect(screen.getByText("Not available yet: conversations go to agents.")).toBeTruthy();
  fireEvent.click(screen.getByRole("radio", { name: /Agents/ }));
  expect(onChange).toHaveBeenCalledWith(HandlerType.AGENT);
});

test("after choosing another (unsaved) the stored workflow stays visible, unchosen", () => {
  render(
    <HandlerChoice value={HandlerType.AI_BOT} stored={HandlerType.WORKFLOW} onChange={vi.fn()} />,
  );
  expect(screen.getByRole("radio", { name: /Workflow/ })).toHaveProperty("checked", false);
  expect(screen.getByRole("radio", { name: /^AI bot/ })).toHaveProperty("checked", true);
  expect(screen.getByText("Not available yet: conversations go to agents.")).toBeTruthy();
});

test("the server's refusal of the handler is shown under the choice", () => {
  render(
    <HandlerChoice
      value={HandlerType.AGENT}
      stored={HandlerType.AGENT}
      onChange={vi.fn()}
      error="workflows are not available yet"
    />,
  );
  expect(screen.getByText("workflows are not available yet")).toBeTruthy();
});
