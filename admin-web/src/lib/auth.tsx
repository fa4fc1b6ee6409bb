//! Session hooks: who is signed in, signing in and out.

import type { GetMeResponse, Session } from "@porthole/client";
import { Role } from "@porthole/client";
import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { keys } from "../inbox/cache";
import { releaseOnSignOut } from "../notifications/push";
import { authClient, publicAuthClient, session } from "./api";

export function useSession() {
  return useSyncExternalStore(session.subscribe, () => session.get());
}

/** The signed-in user, workspace and role (AuthService.GetMe). */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: (): Promise<GetMeResponse> => authClient.getMe({}),
    staleTime: 5 * 60_000,
  });
}

/** Whether the signed-in member may manage widgets and the team. */
export function useIsAdmin(): boolean {
  const role = useMe().data?.role;
  return role === Role.OWNER || role === Role.ADMIN;
}

/** Whether the signed-in member owns the workspace (the audit log is theirs alone). */
export function useIsOwner(): boolean {
  return useMe().data?.role === Role.OWNER;
}

export function startSession(qc: QueryClient, next: Session): void {
  qc.clear();
  session.set(next);
  if (next.user && next.workspace) {
    qc.setQueryData(keys.me, {
      $typeName: "porthole.v1.GetMeResponse",
      user: next.user,
      workspace: next.workspace,
      role: next.role,
    } satisfies GetMeResponse);
  }
}

export async function signOut(qc: QueryClient): Promise<void> {
  // While the session still works: this browser stops receiving the member's pushes.
  await releaseOnSignOut();
  const refreshToken = session.get()?.refreshToken;
  session.clear();
  qc.clear();
  if (refreshToken) {
    try {
      await publicAuthClient.logOut({ refreshToken });
    } catch {
      // The local session is gone either way; the server forgets the token when it expires.
    }
  }
}

export function useSignOut() {
  const qc = useQueryClient();
  return () => signOut(qc);
}
