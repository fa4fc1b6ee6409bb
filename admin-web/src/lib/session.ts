//! The signed-in session: tokens kept in localStorage, refreshed from one place.
//!
//! Refresh tokens rotate: each RefreshSession answers a new one and presenting a spent
//! one revokes the whole session. So every refresh in this tab goes through one in-flight
//! promise, tabs take turns through a Web Lock, and the latest token is written to
//! localStorage before anyone else may read it. Another tab's refresh or sign-out reaches
//! this tab through the `storage` event.

import { Code, ConnectError, type Session } from "@porthole/client";

/** What is kept between page loads. */
export interface StoredSession {
  accessToken: string;
  /** Milliseconds since the epoch. */
  accessExpiresAt: number;
  refreshToken: string;
  userId: string;
  workspaceId: string;
}

/** Exchanges a refresh token for a new session (AuthService.RefreshSession). */
export type RefreshCall = (refreshToken: string) => Promise<Session | undefined>;

const STORAGE_KEY = "porthole.session";
/** Refresh this long before the access token expires. */
const EXPIRY_MARGIN_MS = 60_000;

export function toStored(session: Session): StoredSession {
  const expire = session.accessTokenExpireTime;
  const accessExpiresAt = expire
    ? Number(expire.seconds) * 1000 + Math.floor(expire.nanos / 1e6)
    : Date.now() + 14 * 60_000;
  return {
    accessToken: session.accessToken,
    accessExpiresAt,
    refreshToken: session.refreshToken,
    userId: session.user?.id ?? "",
    workspaceId: session.workspace?.id ?? "",
  };
}

function isStored(value: unknown): value is StoredSession {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessToken === "string" &&
    typeof v.refreshToken === "string" &&
    typeof v.accessExpiresAt === "number" &&
    typeof v.userId === "string"
  );
}

/** Minimal storage surface, so tests can pass a Map-backed fake. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class SessionStore {
  private current: StoredSession | undefined;
  private inflight: Promise<string | undefined> | undefined;
  private listeners = new Set<() => void>();

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly refreshCall: RefreshCall,
    private readonly now: () => number = Date.now,
  ) {
    this.current = this.read();
  }

  /** The session as last known, or undefined when signed out. */
  get(): StoredSession | undefined {
    return this.current;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit() {
    for (const listener of this.listeners) listener();
  }

  private read(): StoredSession | undefined {
    try {
      const raw = this.storage.getItem(STORAGE_KEY);
      if (!raw) return undefined;
      const parsed: unknown = JSON.parse(raw);
      return isStored(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /** Starts using a session from SignUp, LogIn, AcceptInvite or RefreshSession. */
  set(session: Session): void {
    this.current = toStored(session);
    this.storage.setItem(STORAGE_KEY, JSON.stringify(this.current));
    this.emit();
  }

  /** Forgets the session (sign-out, or a refresh the server refused). */
  clear(): void {
    this.current = undefined;
    this.storage.removeItem(STORAGE_KEY);
    this.emit();
  }

  /** Called on the `storage` event: another tab refreshed or signed out. */
  syncFromStorage(): void {
    const next = this.read();
    if (next?.refreshToken === this.current?.refreshToken) return;
    this.current = next;
    this.emit();
  }

  /** A valid access token, refreshing first when it is about to expire. */
  async accessToken(): Promise<string | undefined> {
    const session = this.current;
    if (!session) return undefined;
    if (session.accessExpiresAt - this.now() > EXPIRY_MARGIN_MS) return session.accessToken;
    return this.refresh();
  }

  /**
   * Renews the access token. Concurrent callers share one request; across tabs a Web Lock
   * makes them take turns, and a tab that finds a fresher session in storage adopts it
   * instead of spending its (now spent) refresh token. `rejected` is the access token the
   * server just refused, which forces a refresh even when it looks unexpired.
   */
  refresh(rejected?: string): Promise<string | undefined> {
    this.inflight ??= this.withLock(() => this.refreshLocked(rejected)).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private withLock<T>(run: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    if (!locks) return run();
    return locks.request("porthole.session.refresh", run) as Promise<T>;
  }

  private async refreshLocked(rejected?: string): Promise<string | undefined> {
    const stored = this.read();
    if (!stored) {
      if (this.current) this.clear();
      return undefined;
    }
    const fresh =
      stored.accessToken !== rejected && stored.accessExpiresAt - this.now() > EXPIRY_MARGIN_MS;
    if (fresh) {
      // Another tab refreshed while we waited for the lock.
      this.current = stored;
      this.emit();
      return stored.accessToken;
    }
    try {
      const session = await this.refreshCall(stored.refreshToken);
      if (!session) throw new ConnectError("no session in the answer", Code.Internal);
      this.set(session);
      return this.current?.accessToken;
    } catch (error) {
      const code = ConnectError.from(error).code;
      if (code === Code.Unauthenticated || code === Code.InvalidArgument) {
        this.clear();
        return undefined;
      }
      throw error;
    }
  }
}
