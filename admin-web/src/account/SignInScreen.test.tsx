//! The sign-in screen: when the server throttles attempts, one sentence saying when to try
//! again; the link to sign-up only while the server lets people sign up.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, GetSignUpPolicyResponseSchema, SignUpPolicy } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { publicAuthClient } from "../lib/api";
import { SignInScreen } from "./SignInScreen";

function policy(open: boolean) {
  return create(GetSignUpPolicyResponseSchema, {
    policy: open ? SignUpPolicy.OPEN : SignUpPolicy.FIRST_WORKSPACE,
    open,
  });
}

function renderScreen() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <SignInScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  vi.spyOn(publicAuthClient, "getSignUpPolicy").mockResolvedValue(policy(true));
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

test("offers sign-up while it is open", async () => {
  renderScreen();
  expect(
    (await screen.findByRole("link", { name: "Create a workspace" })).getAttribute("href"),
  ).toBe("/signup");
});

test("points to an invitation instead when sign-up is closed", async () => {
  vi.spyOn(publicAuthClient, "getSignUpPolicy").mockResolvedValue(policy(false));
  renderScreen();
  await screen.findByText("New here? Ask a workspace admin for an invitation.");
  expect(screen.queryByRole("link", { name: "Create a workspace" })).toBeNull();
});

test("too many attempts say when to try again", async () => {
  vi.spyOn(publicAuthClient, "logIn").mockRejectedValue(
    new ConnectError("too many sign-in attempts; try again in 12 s", Code.ResourceExhausted, {
      "retry-after": "12",
    }),
  );
  renderScreen();
  fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "ann@example.com" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret-123" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  expect((await screen.findByRole("alert")).textContent).toBe(
    "Too many sign-in attempts. Try again in 12 s.",
  );
});
