//! "Reset your password" (`/app/reset-password`): asks AuthService.RequestPasswordReset to
//! e-mail a link for setting a new password. The answer is the same whether or not the
//! address has an account, and so is what this screen says afterwards.

import { MailCheck } from "lucide-react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { Button, buttonClasses } from "../components/ui/Button";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { publicAuthClient } from "../lib/api";
import { AuthLayout, AuthNotice } from "./AuthLayout";
import { type FormErrors, requestResetErrors } from "./passwordReset";

/** What the sign-in screen may hand over (in router state, never in the URL). */
export interface ForgotPasswordState {
  email?: string;
}

export function ForgotPasswordScreen() {
  const handedOver = (useLocation().state as ForgotPasswordState | null)?.email ?? "";
  const [email, setEmail] = useState(handedOver);
  const [sentTo, setSentTo] = useState<string>();
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = email.trim();
    if (!address) {
      setErrors({ fields: { email: "Enter the e-mail address you sign in with." } });
      return;
    }
    setPending(true);
    setErrors({ fields: {} });
    try {
      await publicAuthClient.requestPasswordReset({ email: address });
      setSentTo(address);
    } catch (error) {
      setErrors(requestResetErrors(error));
    } finally {
      setPending(false);
    }
  }

  if (sentTo !== undefined) {
    return <LinkSent email={sentTo} onSendAgain={() => setSentTo(undefined)} />;
  }

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the e-mail address you sign in with. We will send you a link to choose a new password."
      footer={
        <Link
          to="/login"
          className="font-medium text-brand-600 hover:underline dark:text-brand-400"
        >
          Back to sign in
        </Link>
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
        <FormAlert>{errors.form}</FormAlert>
        <Button type="submit" variant="primary" className="w-full" loading={pending}>
          Send reset link
        </Button>
      </form>
    </AuthLayout>
  );
}

/** The neutral confirmation: it never says whether the address has an account. */
function LinkSent({ email, onSendAgain }: { email: string; onSendAgain: () => void }) {
  const back = useRef<HTMLAnchorElement>(null);
  // The form that had focus is gone; keyboard users continue from the next step.
  useEffect(() => back.current?.focus(), []);
  return (
    <AuthLayout title="Check your e-mail">
      <AuthNotice
        icon={<MailCheck className="size-5" aria-hidden />}
        message={
          <>
            If an account exists for <span className="font-medium break-all">{email}</span>, we sent
            a link to set a new password. It works for an hour.
          </>
        }
        detail="Nothing after a few minutes? Check your spam folder, or send the link again."
      >
        <Link ref={back} to="/login" className={buttonClasses("primary", "md", "w-full")}>
          Back to sign in
        </Link>
        <Button variant="ghost" className="w-full" onClick={onSendAgain}>
          Send again
        </Button>
      </AuthNotice>
    </AuthLayout>
  );
}
