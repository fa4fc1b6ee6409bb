//! Sign-in: e-mail and password, sent to AuthService.LogIn. "Forgot password?" leads to
//! the reset request, taking the e-mail typed so far along. The link to sign-up shows only
//! while the server's sign-up policy lets people sign up.

import { Code, ConnectError } from "@porthole/client";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { Button } from "../components/ui/Button";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { publicAuthClient } from "../lib/api";
import { startSession } from "../lib/auth";
import { signInErrors } from "../lib/errors";
import { AuthLayout } from "./AuthLayout";
import type { ForgotPasswordState } from "./ForgotPasswordScreen";
import { useSignUpPolicy } from "./queries";

export function SignInScreen() {
  const qc = useQueryClient();
  const policy = useSignUpPolicy();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setErrors({ fields: {} });
    try {
      const { session } = await publicAuthClient.logIn({ email, password });
      if (session) startSession(qc, session);
    } catch (error) {
      if (ConnectError.from(error).code === Code.Unauthenticated) {
        setErrors({ fields: {}, form: "Wrong e-mail or password." });
      } else {
        setErrors(signInErrors(error));
      }
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout
      title="Sign in to Porthole"
      subtitle="Welcome back. Your visitors are waiting."
      footer={
        policy.isPending ? (
          // Keeps the line's height until the server has said whether sign-up is open.
          <span aria-hidden className="invisible">
            New here?
          </span>
        ) : policy.data?.open === false ? (
          "New here? Ask a workspace admin for an invitation."
        ) : (
          <>
            New here?{" "}
            <Link
              to="/signup"
              className="font-medium text-brand-600 hover:underline dark:text-brand-400"
            >
              Create a workspace
            </Link>
          </>
        )
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="E-mail" error={errors.fields.email}>
          {(p) => (
            <Input
              {...p}
              type="email"
              autoComplete="username"
              autoFocus
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={errors.fields.password}>
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <div className="-mt-2 flex justify-end">
          <Link
            to="/reset-password"
            state={{ email: email.trim() } satisfies ForgotPasswordState}
            className="text-[13px] font-medium text-brand-600 hover:underline dark:text-brand-400"
          >
            Forgot password?
          </Link>
        </div>
        <FormAlert>{errors.form}</FormAlert>
        <Button type="submit" variant="primary" className="w-full" loading={pending}>
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
