//! Accepting an invitation from a link `/app/invite/:token` (AuthService.AcceptInvite).

import { Code, ConnectError } from "@porthole/client";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Button } from "../components/ui/Button";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { publicAuthClient } from "../lib/api";
import { startSession, useSession } from "../lib/auth";
import { signInErrors } from "../lib/errors";
import { AuthLayout } from "./AuthLayout";

export function AcceptInviteScreen() {
  const { token = "" } = useParams();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const current = useSession();
  const [displayName, setDisplayName] = useState("");
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
      const { session } = await publicAuthClient.acceptInvite({
        inviteToken: token,
        password,
        displayName,
      });
      if (session) {
        startSession(qc, session);
        navigate("/inbox", { replace: true });
      }
    } catch (error) {
      const code = ConnectError.from(error).code;
      if (code === Code.NotFound) {
        setErrors({
          fields: {},
          form: "This invitation is no longer valid: it expired, was revoked or was already used. Ask for a new one.",
        });
      } else if (code === Code.Unauthenticated) {
        setErrors({
          fields: { password: "You already have an account with this e-mail: enter its password." },
        });
      } else if (code === Code.AlreadyExists) {
        setErrors({
          fields: {},
          form: "You are already a member of this workspace. Sign in instead.",
        });
      } else {
        setErrors(signInErrors(error));
      }
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout
      title="Join your team on Porthole"
      subtitle="Choose your name and a password. If you already have an account with the invited e-mail, enter its password."
      footer={
        <Link
          to="/login"
          className="font-medium text-brand-600 hover:underline dark:text-brand-400"
        >
          Sign in instead
        </Link>
      }
    >
      {current && (
        <p className="mb-4 rounded-lg bg-amber-50 px-3 py-2 text-[13px] text-amber-800 dark:bg-amber-500/10 dark:text-amber-300">
          You are signed in already. Accepting switches this browser to the invited workspace.
        </p>
      )}
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field
          label="Your name"
          hint="Visitors see it on your replies."
          error={errors.fields.display_name}
        >
          {(p) => (
            <Input
              {...p}
              autoComplete="name"
              autoFocus
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" hint="At least 8 characters." error={errors.fields.password}>
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <FormAlert>{errors.form}</FormAlert>
        <Button type="submit" variant="primary" className="w-full" loading={pending}>
          Accept invitation
        </Button>
      </form>
    </AuthLayout>
  );
}
