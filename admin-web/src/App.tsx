//! The dashboard shell: the sign-in screen until there is a session, then a placeholder.

import type { Session } from "@porthole/client";
import { useState } from "react";
import { setAccessToken } from "./api";
import { SignInScreen } from "./auth/SignInScreen";

export function App() {
  const [session, setSession] = useState<Session>();

  if (!session) {
    return (
      <SignInScreen
        onSignedIn={(next) => {
          setAccessToken(next.accessToken);
          setSession(next);
        }}
      />
    );
  }

  return (
    <main className="mx-auto mt-24 max-w-xl px-4">
      <h1 className="text-2xl font-semibold">
        Signed in as {session.user?.displayName || session.user?.email}
      </h1>
      <p className="mt-2 text-slate-600">Workspace: {session.workspace?.name}</p>
    </main>
  );
}
