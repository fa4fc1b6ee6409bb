//! Sign-up: creates a workspace and its owner (AuthService.SignUp).

import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { Button } from "../components/ui/Button";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { publicAuthClient } from "../lib/api";
import { startSession } from "../lib/auth";
import { signInErrors } from "../lib/errors";
import { AuthLayout } from "./AuthLayout";

export function SignUpScreen() {
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
