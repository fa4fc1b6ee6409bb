//! The sign-in screen when the server throttles attempts: one sentence saying when to try
//! again.

import { Code, ConnectError } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { publicAuthClient } from "../lib/api";
import { SignInScreen } from "./SignInScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

test("too many attempts say when to try again", async () => {
  vi.spyOn(publicAuthClient, "logIn").mockRejectedValue(
    new ConnectError("too many sign-in attempts; try again in 12 s", Code.ResourceExhausted, {
      "retry-after": "12",
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <SignInScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "ann@example.com" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret-123" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  expect((await screen.findByRole("alert")).textContent).toBe(
    "Too many sign-in attempts. Try again in 12 s.",
  );
});
