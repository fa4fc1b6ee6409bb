//! Sign-up: creates a workspace and its owner (AuthService.SignUp), when the server's
//! sign-up policy allows it; otherwise says how to join instead.

import { Code, ConnectError } from "@porthole/client";
import { useQueryClient } from "@tanstack/react-query";
import { MailPlus } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { Button } from "../components/ui/Button";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { Spinner } from "../components/ui/misc";
import { publicAuthClient } from "../lib/api";
import { startSession } from "../lib/auth";
import { signInErrors } from "../lib/errors";
import { AuthLayout } from "./AuthLayout";
import { useSignUpPolicy } from "./queries";

const closedByPolicy = "Sign-up is closed on this server. Ask a workspace admin for an invitation.";

export function SignUpScreen() {
  const policy = useSignUpPolicy();
  // The server's own words when SignUp refused although the policy looked open.
  const [refused, setRefused] = useState<string>();

  if (policy.isPending) {
    return (
      <AuthLayout title="Create your workspace">
        <div className="flex justify-center py-6">
          <Spinner className="size-5" />
        </div>
      </AuthLayout>
    );
  }
  if (refused !== undefined || policy.data?.open === false) {
    return <SignUpClosed message={refused ?? closedByPolicy} />;
  }
  return <SignUpForm onRefused={setRefused} />;
}

/** What the screen says instead of the form when nobody may sign up. */
function SignUpClosed({ message }: { message: string }) {
  return (
    <AuthLayout title="Join by invitation">
      <div className="flex flex-col items-center text-center">
        <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-brand-50 text-brand-600 dark:bg-brand-500/10 dark:text-brand-400">
          <MailPlus className="size-5" aria-hidden />
        </div>
        <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
          {message}
        </p>
        <p className="mt-2 text-[13px] text-zinc-500 dark:text-zinc-400">
          Their invitation link lets you choose a password and join the team.
        </p>
        <Link
          to="/login"
          className="mt-5 inline-flex h-9 w-full items-center justify-center rounded-lg bg-white px-3.5 text-sm font-medium text-zinc-800 shadow-xs ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-800"
        >
          Back to sign in
        </Link>
      </div>
    </AuthLayout>
  );
}

function SignUpForm({ onRefused }: { onRefused: (message: string) => void }) {
  const qc = useQueryClient();
  const [form, setForm] = useState({ displayName: "", email: "", password: "", workspaceName: "" });
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setErrors({ fields: {} });
    try {
      const { session } = await publicAuthClient.signUp(form);
      if (session) startSession(qc, session);
    } catch (error) {
      // Sign-up closed since the policy was read (someone else created the workspace).
      const e = ConnectError.from(error);
      if (e.code === Code.PermissionDenied) {
        onRefused(e.rawMessage || closedByPolicy);
        return;
      }
      setErrors(signInErrors(error));
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout
      title="Create your workspace"
      subtitle="Live chat on your site in two minutes."
      footer={
        <>
          Already have an account?{" "}
          <Link
            to="/login"
            className="font-medium text-brand-600 hover:underline dark:text-brand-400"
          >
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Your name" error={errors.fields.display_name}>
          {(p) => (
            <Input
              {...p}
              autoComplete="name"
              autoFocus
              value={form.displayName}
              onChange={set("displayName")}
            />
          )}
        </Field>
        <Field label="Work e-mail" error={errors.fields.email}>
          {(p) => (
            <Input
              {...p}
              type="email"
              autoComplete="email"
              value={form.email}
              onChange={set("email")}
            />
          )}
        </Field>
        <Field label="Password" hint="At least 8 characters." error={errors.fields.password}>
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="new-password"
              value={form.password}
              onChange={set("password")}
            />
          )}
        </Field>
        <Field label="Company or workspace name" error={errors.fields.workspace_name}>
          {(p) => (
            <Input
              {...p}
              autoComplete="organization"
              value={form.workspaceName}
              onChange={set("workspaceName")}
            />
          )}
        </Field>
        <FormAlert>{errors.form}</FormAlert>
        <Button type="submit" variant="primary" className="w-full" loading={pending}>
          Create workspace
        </Button>
      </form>
    </AuthLayout>
  );
}
