//! The reset request screen: the e-mail handed over from sign-in, the same neutral answer
//! whether or not the address has an account, and the server's refusals where they belong.

import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  GetSignUpPolicyResponseSchema,
  RequestPasswordResetResponseSchema,
  SignUpPolicy,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { publicAuthClient } from "../lib/api";
import { ForgotPasswordScreen } from "./ForgotPasswordScreen";
import { SignInScreen } from "./SignInScreen";

function renderAt(entry: string | { pathname: string; state: unknown }) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[entry]}>
        <Routes>
          <Route path="/login" element={<SignInScreen />} />
          <Route path="/reset-password" element={<ForgotPasswordScreen />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  vi.spyOn(publicAuthClient, "getSignUpPolicy").mockResolvedValue(
    create(GetSignUpPolicyResponseSchema, { policy: SignUpPolicy.OPEN, open: true }),
  );
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

test("sign-in's “Forgot password?” takes the e-mail typed so far along", async () => {
  renderAt("/login");
  fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: " ann@example.com " } });
  const link = screen.getByRole("link", { name: "Forgot password?" });
  expect(link.getAttribute("href")).toBe("/reset-password");
  fireEvent.click(link);
  await screen.findByRole("heading", { name: "Reset your password" });
  expect((screen.getByLabelText("E-mail") as HTMLInputElement).value).toBe("ann@example.com");
});

test("a sent request answers the same for any address, and leads back to sign in", async () => {
  const ask = vi
    .spyOn(publicAuthClient, "requestPasswordReset")
    .mockResolvedValue(create(RequestPasswordResetResponseSchema, {}));
  renderAt({ pathname: "/reset-password", state: { email: "ann@example.com" } });
  fireEvent.click(screen.getByRole("button", { name: "Send reset link" }));
  const status = await screen.findByRole("status");
  expect(status.textContent).toBe(
    "If an account exists for ann@example.com, we sent a link to set a new password. It works for an hour.",
  );
  expect(ask).toHaveBeenCalledWith({ email: "ann@example.com" });
  const back = screen.getByRole("link", { name: "Back to sign in" });
  expect(back.getAttribute("href")).toBe("/login");
  expect(document.activeElement).toBe(back);
  // "Send again" returns to the form with the address kept.
  fireEvent.click(screen.getByRole("button", { name: "Send again" }));
  expect((screen.getByLabelText("E-mail") as HTMLInputElement).value).toBe("ann@example.com");
});

test("an empty address is caught before anything is sent", async () => {
  const ask = vi.spyOn(publicAuthClient, "requestPasswordReset");
  renderAt("/reset-password");
  fireEvent.click(screen.getByRole("button", { name: "Send reset link" }));
  await screen.findByText("Enter the e-mail address you sign in with.");
  expect(screen.getByLabelText("E-mail").getAttribute("aria-invalid")).toBe("true");
  expect(ask).not.toHaveBeenCalled();
});

test("an address the server refuses is marked on the field", async () => {
  vi.spyOn(publicAuthClient, "requestPasswordReset").mockRejectedValue(
    new ConnectError("invalid request", Code.InvalidArgument, undefined, [
      {
        desc: BadRequestSchema,
        value: create(BadRequestSchema, {
          fieldViolations: [{ field: "email", description: "must be an e-mail address" }],
        }),
      },
    ]),
  );
  renderAt({ pathname: "/reset-password", state: { email: "not-an-address" } });
  fireEvent.click(screen.getByRole("button", { name: "Send reset link" }));
  await screen.findByText("must be an e-mail address");
  expect(screen.getByLabelText("E-mail").getAttribute("aria-invalid")).toBe("true");
  expect(screen.queryByRole("alert")).toBeNull();
});

test("a server without e-mail says what to do, in its own words", async () => {
  vi.spyOn(publicAuthClient, "requestPasswordReset").mockRejectedValue(
    new ConnectError(
      "this server cannot send e-mail, so passwords cannot be reset by e-mail; ask the person who runs it to set PORTHOLE_SMTP_URL",
      Code.FailedPrecondition,
    ),
  );
  renderAt({ pathname: "/reset-password", state: { email: "ann@example.com" } });
  fireEvent.click(screen.getByRole("button", { name: "Send reset link" }));
  expect((await screen.findByRole("alert")).textContent).toBe(
    "This server cannot send e-mail, so passwords cannot be reset by e-mail; ask the person who runs it to set PORTHOLE_SMTP_URL.",
  );
});

test("too many requests say when to try again", async () => {
  vi.spyOn(publicAuthClient, "requestPasswordReset").mockRejectedValue(
    new ConnectError(
      "too many password-reset requests; try again in 30 s",
      Code.ResourceExhausted,
      {
        "retry-after": "30",
      },
    ),
  );
  renderAt({ pathname: "/reset-password", state: { email: "ann@example.com" } });
  fireEvent.click(screen.getByRole("button", { name: "Send reset link" }));
  expect((await screen.findByRole("alert")).textContent).toBe(
    "Too many password-reset requests. Try again in 30 s.",
  );
});
