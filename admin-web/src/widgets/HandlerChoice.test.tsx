//! "Who answers": agents, the AI bot, hybrid and a guided flow can be chosen; the server's
//! refusal of the handler shows under the choice.

import { HandlerType } from "@porthole/client";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { HandlerChoice } from "./HandlerChoice";

afterEach(cleanup);

test("agents, the AI bot, hybrid and a guided flow are offered", () => {
  const onChange = vi.fn();
  render(<HandlerChoice value={HandlerType.AGENT} onChange={onChange} />);
  const radios = screen.getAllByRole("radio");
  expect(radios).toHaveLength(4);
  expect(screen.getByRole("radio", { name: /Agents/ })).toHaveProperty("checked", true);
  expect(screen.getByRole("radio", { name: /^AI bot/ })).toHaveProperty("checked", false);
  expect(
    screen.getByRole("radio", { name: /Hybrid \(agents first, bot when nobody is available\)/ }),
  ).toHaveProperty("checked", false);
  expect(screen.getByRole("radio", { name: /^Guided flow/ })).toHaveProperty("checked", false);

  fireEvent.click(screen.getByRole("radio", { name: /^AI bot/ }));
  expect(onChange).toHaveBeenLastCalledWith(HandlerType.AI_BOT);
  fireEvent.click(screen.getByRole("radio", { name: /Hybrid/ }));
  expect(onChange).toHaveBeenLastCalledWith(HandlerType.HYBRID);
  fireEvent.click(screen.getByRole("radio", { name: /^Guided flow/ }));
  expect(onChange).toHaveBeenLastCalledWith(HandlerType.WORKFLOW);
});

test("a stored guided flow is chosen, and says it is scripted, without AI", () => {
  render(<HandlerChoice value={HandlerType.WORKFLOW} onChange={vi.fn()} />);
  const flow = screen.getByRole("radio", { name: /^Guided flow/ });
  expect(flow).toHaveProperty("checked", true);
  expect(flow).toHaveProperty("disabled", false);
  expect(screen.getByText(/Scripted steps, no AI/)).toBeTruthy();
});

test("the server's refusal of the handler is shown under the choice", () => {
  render(
    <HandlerChoice
      value={HandlerType.AGENT}
      onChange={vi.fn()}
      error="choose who answers the widget's conversations"
    />,
  );
  expect(screen.getByText("choose who answers the widget's conversations")).toBeTruthy();
});
