//! "Choose a new password" from an e-mailed link `/app/reset-password/:token`
//! (AuthService.ResetPassword). Setting it spends the link and ends every session of the
//! account, so afterwards the screen sends the person to sign in; a spent or expired link
//! offers to request a new one.

import { useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Link2Off } from "lucide-react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { Button, buttonClasses } from "../components/ui/Button";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { publicAuthClient } from "../lib/api";
import { signOut, useSession } from "../lib/auth";
import { AuthLayout, AuthNotice } from "./AuthLayout";
import {
  checkNewPassword,
  type FormErrors,
  minPasswordChars,
  resetPasswordRefusal,
} from "./passwordReset";

type Stage = "form" | "done" | "expired";

export function ResetPasswordScreen() {
  const { token = "" } = useParams();
  const qc = useQueryClient();
  const current = useSession();
  const [stage, setStage] = useState<Stage>("form");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = checkNewPassword(password, confirm);
    setErrors({ fields });
    if (Object.keys(fields).length > 0) return;
    setPending(true);
    try {
      await publicAuthClient.resetPassword({ resetToken: token, newPassword: password });
      // Every session of the account ended; this browser's, if it has one, goes too, so
      // that "Sign in" leads to the sign-in form rather than a dead session.
      if (current) await signOut(qc);
      setPassword("");
      setConfirm("");
      setStage("done");
    } catch (error) {
      const refusal = resetPasswordRefusal(error);
      if (refusal.linkExpired) setStage("expired");
      else setErrors(refusal.errors);
    } finally {
      setPending(false);
    }
  }

  if (stage === "done") return <PasswordSet />;
  if (stage === "expired") return <LinkExpired />;

  return (
    <AuthLayout
      title="Choose a new password"
      subtitle="Setting it signs your account out on every device."
      footer={
        <Link
          to="/login"
          className="font-medium text-brand-600 hover:underline dark:text-brand-400"
        >
          Back to sign in
        </Link>
      }
    >
      {current && (
        <p className="mb-4 rounded-lg bg-amber-50 px-3 py-2 text-[13px] text-amber-800 dark:bg-amber-500/10 dark:text-amber-300">
          You are signed in already. Setting a new password signs this browser out too.
        </p>
      )}
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field
          label="New password"
          hint={`At least ${minPasswordChars} characters.`}
          error={errors.fields.new_password}
        >
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="new-password"
              autoFocus
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field label="Confirm new password" error={errors.fields.confirm}>
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          )}
        </Field>
        <FormAlert>{errors.form}</FormAlert>
        <Button type="submit" variant="primary" className="w-full" loading={pending}>
          Set new password
        </Button>
      </form>
    </AuthLayout>
  );
}

/** A link's focus on mount: the form that had focus is gone. */
function useFocusOnMount() {
  const ref = useRef<HTMLAnchorElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function PasswordSet() {
  const next = useFocusOnMount();
  return (
    <AuthLayout title="Your password is set">
      <AuthNotice
        tone="green"
        icon={<CircleCheck className="size-5" aria-hidden />}
        message="Every session of your account was signed out, on this device and all others."
        detail="Sign in with your new password to continue."
      >
        <Link ref={next} to="/login" className={buttonClasses("primary", "md", "w-full")}>
          Sign in
        </Link>
      </AuthNotice>
    </AuthLayout>
  );
}

function LinkExpired() {
  const next = useFocusOnMount();
  return (
    <AuthLayout title="This link no longer works">
      <AuthNotice
        tone="amber"
        icon={<Link2Off className="size-5" aria-hidden />}
        message="The link to set a new password has expired or was used already."
        detail="Each link works once, for an hour, and only the newest one works. Request a new link to try again."
      >
        <Link ref={next} to="/reset-password" className={buttonClasses("primary", "md", "w-full")}>
          Request a new link
        </Link>
        <Link to="/login" className={buttonClasses("ghost", "md", "w-full")}>
          Back to sign in
        </Link>
      </AuthNotice>
    </AuthLayout>
  );
}
