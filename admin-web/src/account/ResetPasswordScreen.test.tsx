//! Choosing a new password from a reset link: the form checks length and confirmation
//! itself, the server's refusals land on the field or turn into "this link no longer works",
//! and success sends the person to sign in (signing this browser out if it was signed in).

import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  LogOutResponseSchema,
  ResetPasswordResponseSchema,
  SessionSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { publicAuthClient, session } from "../lib/api";
import { ResetPasswordScreen } from "./ResetPasswordScreen";

function renderLink(token = "prs_secret") {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[`/reset-password/${token}`]}>
        <Routes>
          <Route path="/reset-password/:token" element={<ResetPasswordScreen />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

function fill(password: string, confirm = password) {
  fireEvent.change(screen.getByLabelText("New password"), { target: { value: password } });
  fireEvent.change(screen.getByLabelText("Confirm new password"), { target: { value: confirm } });
  fireEvent.click(screen.getByRole("button", { name: "Set new password" }));
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  session.clear();
});

test("a short or mismatched password is caught before anything is sent", async () => {
  const reset = vi.spyOn(publicAuthClient, "resetPassword");
  renderLink();
  fill("short");
  await screen.findByText("Use at least 8 characters.");
  expect(screen.getByLabelText("New password").getAttribute("aria-invalid")).toBe("true");
  fill("a long enough password", "a long enough passwort");
  await screen.findByText("The passwords do not match.");
  expect(screen.getByLabelText("Confirm new password").getAttribute("aria-invalid")).toBe("true");
  expect(screen.queryByText("Use at least 8 characters.")).toBeNull();
  expect(reset).not.toHaveBeenCalled();
});

test("a new password set: every session ended, and a way to sign in", async () => {
  const reset = vi
    .spyOn(publicAuthClient, "resetPassword")
    .mockResolvedValue(create(ResetPasswordResponseSchema, {}));
  renderLink("prs_abc-123_XYZ");
  fill("a brand new password");
  await screen.findByRole("heading", { name: "Your password is set" });
  expect(reset).toHaveBeenCalledWith({
    resetToken: "prs_abc-123_XYZ",
    newPassword: "a brand new password",
  });
  expect(screen.getByRole("status").textContent).toBe(
    "Every session of your account was signed out, on this device and all others.",
  );
  const signIn = screen.getByRole("link", { name: "Sign in" });
  expect(signIn.getAttribute("href")).toBe("/login");
  expect(document.activeElement).toBe(signIn);
});

test("a browser signed in when the password is set is signed out", async () => {
  session.set(
    create(SessionSchema, {
      accessToken: "access",
      refreshToken: "refresh",
      user: { id: "usr_1" },
      workspace: { id: "wsp_1" },
    }),
  );
  vi.spyOn(publicAuthClient, "resetPassword").mockResolvedValue(
    create(ResetPasswordResponseSchema, {}),
  );
  const logOut = vi
    .spyOn(publicAuthClient, "logOut")
    .mockResolvedValue(create(LogOutResponseSchema, {}));
  renderLink();
  await screen.findByText(
    "You are signed in already. Setting a new password signs this browser out too.",
  );
  fill("a brand new password");
  await screen.findByRole("heading", { name: "Your password is set" });
  expect(session.get()).toBeUndefined();
  expect(logOut).toHaveBeenCalledWith({ refreshToken: "refresh" });
});

test("a spent or expired link says so and offers a new one", async () => {
  vi.spyOn(publicAuthClient, "resetPassword").mockRejectedValue(
    new ConnectError(
      "password-reset link (it may have expired or been used already)",
      Code.NotFound,
    ),
  );
  renderLink();
  fill("a brand new password");
  await screen.findByRole("heading", { name: "This link no longer works" });
  expect(screen.getByRole("link", { name: "Request a new link" }).getAttribute("href")).toBe(
    "/reset-password",
  );
  expect(screen.queryByLabelText("New password")).toBeNull();
});

test("the server's verdict on the password shows on its field", async () => {
  vi.spyOn(publicAuthClient, "resetPassword").mockRejectedValue(
    new ConnectError("invalid request", Code.InvalidArgument, undefined, [
      {
        desc: BadRequestSchema,
        value: create(BadRequestSchema, {
          fieldViolations: [
            { field: "new_password", description: "must be at most 256 characters" },
          ],
        }),
      },
    ]),
  );
  renderLink();
  fill("a brand new password");
  await screen.findByText("must be at most 256 characters");
  expect(screen.getByLabelText("New password").getAttribute("aria-invalid")).toBe("true");
});

test("too many tries say when to try again", async () => {
  vi.spyOn(publicAuthClient, "resetPassword").mockRejectedValue(
    new ConnectError("too many sign-in attempts; try again in 7 s", Code.ResourceExhausted, {
      "retry-after": "7",
    }),
  );
  renderLink();
  fill("a brand new password");
  expect((await screen.findByRole("alert")).textContent).toBe(
    "Too many sign-in attempts. Try again in 7 s.",
  );
});
