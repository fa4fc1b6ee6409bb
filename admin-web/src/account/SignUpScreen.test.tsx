//! The sign-up screen follows the server's sign-up policy: the form while sign-up is open,
//! a way to join by invitation when it is closed, and the server's words when SignUp
//! refuses although the policy looked open.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, GetSignUpPolicyResponseSchema, SignUpPolicy } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { publicAuthClient } from "../lib/api";
import { SignUpScreen } from "./SignUpScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderWithPolicy(policy: SignUpPolicy, open: boolean) {
  vi.spyOn(publicAuthClient, "getSignUpPolicy").mockResolvedValue(
    create(GetSignUpPolicyResponseSchema, { policy, open }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <SignUpScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

test("shows the form while sign-up is open", async () => {
  renderWithPolicy(SignUpPolicy.FIRST_WORKSPACE, true);
  await screen.findByRole("button", { name: "Create workspace" });
  expect(screen.getByLabelText("Company or workspace name")).toBeTruthy();
});

test("says how to join instead when sign-up is closed", async () => {
  renderWithPolicy(SignUpPolicy.INVITE_ONLY, false);
  await screen.findByText(
    "Sign-up is closed on this server. Ask a workspace admin for an invitation.",
  );
  expect(screen.queryByRole("button", { name: "Create workspace" })).toBeNull();
  expect(screen.getByRole("link", { name: "Back to sign in" }).getAttribute("href")).toBe("/login");
});

test("a refused sign-up shows the server's message instead of the form", async () => {
  renderWithPolicy(SignUpPolicy.FIRST_WORKSPACE, true);
  vi.spyOn(publicAuthClient, "signUp").mockRejectedValue(
    new ConnectError("sign-up is closed on this server", Code.PermissionDenied),
  );
  fireEvent.change(await screen.findByLabelText("Your name"), { target: { value: "Ann" } });
  fireEvent.change(screen.getByLabelText("Work e-mail"), { target: { value: "ann@example.com" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret-123-long" } });
  fireEvent.change(screen.getByLabelText("Company or workspace name"), {
    target: { value: "Acme" },
  });
  fireEvent.click(screen.getByRole("button", { name: "Create workspace" }));
  await screen.findByText("sign-up is closed on this server");
  expect(screen.queryByRole("button", { name: "Create workspace" })).toBeNull();
});
