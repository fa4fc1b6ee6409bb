//! Sign-in screen: e-mail and password, sent to AuthService.LogIn.

import { Code, ConnectError, fieldViolationMap, type Session } from "@porthole/client";
import { type FormEvent, useState } from "react";
import { authClient } from "../api";

interface SignInScreenProps {
  onSignedIn: (session: Session) => void;
}

function describeError(error: unknown): string {
  const connectError = ConnectError.from(error);
  switch (connectError.code) {
    case Code.Unauthenticated:
      return "Wrong e-mail or password.";
    case Code.Unavailable:
      return "The server cannot be reached. Try again in a moment.";
    default:
      return connectError.rawMessage;
  }
}

export function SignInScreen({ onSignedIn }: SignInScreenProps) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setFormError(undefined);
    setFieldErrors({});
    try {
      const { session } = await authClient.logIn({ email, password });
      if (session) onSignedIn(session);
    } catch (error) {
      const byField = fieldViolationMap(error);
      setFieldErrors(byField);
      if (Object.keys(byField).length === 0) setFormError(describeError(error));
    } finally {
      setPending(false);
    }
  }

  return (
    <main className="mx-auto mt-24 w-full max-w-sm px-4">
      <h1 className="mb-6 text-2xl font-semibold">Sign in to Porthole</h1>
      <form onSubmit={submit} className="space-y-4 rounded-lg bg-white p-6 shadow" noValidate>
        <label className="block">
          <span className="text-sm font-medium">E-mail</span>
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            className="mt-1 block w-full rounded border border-slate-300 px-3 py-2"
          />
          {fieldErrors.email && <span className="text-sm text-red-600">{fieldErrors.email}</span>}
        </label>
        <label className="block">
          <span className="text-sm font-medium">Password</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            className="mt-1 block w-full rounded border border-slate-300 px-3 py-2"
          />
          {fieldErrors.password && (
            <span className="text-sm text-red-600">{fieldErrors.password}</span>
          )}
        </label>
        {formError && (
          <p role="alert" className="text-sm text-red-600">
            {formError}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
