//! "Continue a resolved conversation for": presets, custom minutes checked as typed, the
//! rule following the choice, and the server's refusal shown at the field.

import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, expect, test } from "vitest";
import { ReopenField } from "./ReopenField";
import { customReopenText } from "./settings";

afterEach(cleanup);

/** The field over the value and custom text it owns, as the editor holds them. */
function Harness({ initial, error }: { initial: number; error?: string }) {
  const [value, setValue] = useState(initial);
  const [custom, setCustom] = useState(() => customReopenText(initial));
  return (
    <>
      <ReopenField
        value={value}
        custom={custom}
        onChange={setValue}
        onCustom={setCustom}
        error={error}
      />
      <output data-testid="value">{value}</output>
    </>
  );
}

const select = () =>
  screen.getByLabelText("Continue a resolved conversation for") as HTMLSelectElement;
const value = () => screen.getByTestId("value").textContent;

test("the presets, with the rule in one sentence following the choice", () => {
  render(<Harness initial={60} />);
  expect([...select().options].map((o) => o.textContent)).toEqual([
    "Never",
    "15 minutes",
    "1 hour",
    "1 day",
    "7 days",
    "Custom…",
  ]);
  expect(select().value).toBe("60");
  const hint = document.getElementById(select().getAttribute("aria-describedby") ?? "");
  expect(hint?.textContent).toContain("within 1 hour of their conversation being resolved");

  fireEvent.change(select(), { target: { value: "0" } });
  expect(value()).toBe("0");
  expect(screen.getByText(/always starts a new one/)).toBeTruthy();
  fireEvent.change(select(), { target: { value: "10080" } });
  expect(value()).toBe("10080");
  expect(screen.getByText(/within 7 days of/)).toBeTruthy();
  expect(screen.queryByLabelText("Minutes")).toBeNull();
});

test("custom minutes: valid ones are taken, others refused at the field as typed", () => {
  render(<Harness initial={60} />);
  fireEvent.change(select(), { target: { value: "custom" } });
  const minutes = screen.getByLabelText("Minutes") as HTMLInputElement;
  expect(minutes.value).toBe("60");

  fireEvent.change(minutes, { target: { value: "90" } });
  expect(value()).toBe("90");
  expect(screen.getByText(/within 90 minutes of/)).toBeTruthy();

  fireEvent.change(minutes, { target: { value: "43201" } });
  // The last good value stays; the error replaces the rule and describes the input.
  expect(value()).toBe("90");
  expect(minutes.getAttribute("aria-invalid")).toBe("true");
  const described = (minutes.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent);
  expect(described).toContain("Enter whole minutes from 0 to 43,200 (30 days).");
  expect(select().getAttribute("aria-invalid")).toBeNull();

  fireEvent.change(minutes, { target: { value: "43200" } });
  expect(minutes.getAttribute("aria-invalid")).toBeNull();
  expect(value()).toBe("43200");
  expect(screen.getByText(/within 30 days of/)).toBeTruthy();

  // Back to a preset drops the custom input and any problem with it.
  fireEvent.change(minutes, { target: { value: "" } });
  expect(screen.getByText(/Enter whole minutes/)).toBeTruthy();
  fireEvent.change(select(), { target: { value: "15" } });
  expect(screen.queryByText(/Enter whole minutes/)).toBeNull();
  expect(value()).toBe("15");
  expect(screen.queryByLabelText("Minutes")).toBeNull();
});

test("a stored period no preset names opens as custom minutes", () => {
  render(<Harness initial={90} />);
  expect(select().value).toBe("custom");
  expect((screen.getByLabelText("Minutes") as HTMLInputElement).value).toBe("90");
});

test("the server's refusal is shown at the field", () => {
  render(<Harness initial={60} error="must be at most 43200" />);
  expect(screen.getByText("must be at most 43200")).toBeTruthy();
  expect(select().getAttribute("aria-invalid")).toBe("true");
});
