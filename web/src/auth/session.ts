//! The signed-in session: tokens kept in sessionStorage (gone when the tab closes), the
//! access token refreshed a minute before it expires, and sign-out that revokes them.

import { api, configureAuth } from "../api/client";
import type { AuthStep, Tokens } from "../api/types";

const KEY = "kyocho.session";
/** Refresh this many seconds before the access token expires. */
const REFRESH_AHEAD_S = 60;

interface Stored {
  access_token: string;
  refresh_token?: string;
  /** ms since the epoch. */
  expires_at: number;
}

type Listener = (signedIn: boolean, reason?: "expired") => void;
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<void> | null = null;

function load(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

function notify(signedIn: boolean, reason?: "expired") {
  for (const l of listeners) l(signedIn, reason);
}

function schedule(s: Stored) {
  clearTimeout(timer);
  if (!s.refresh_token) return;
  const wait = Math.max(5_000, s.expires_at - Date.now() - REFRESH_AHEAD_S * 1000);
  timer = setTimeout(() => void refresh(), wait);
}

export function store(tokens: Tokens, previousRefresh?: string) {
  const s: Stored = {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token ?? previousRefresh,
    expires_at: Date.now() + tokens.expires_in * 1000,
  };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  schedule(s);
  notify(true);
}

export async function refresh(): Promise<void> {
  if (refreshing) return refreshing;
  const s = load();
  if (!s?.refresh_token) return;
  refreshing = (async () => {
    try {
      const r = await api.anonymous<AuthStep>("/auth/refresh", { refresh_token: s.refresh_token });
      if (r.body.status === "signed_in") store(r.body.tokens, s.refresh_token);
    } catch {
      end("expired");
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function end(reason?: "expired") {
  clearTimeout(timer);
  sessionStorage.removeItem(KEY);
  notify(false, reason);
}

export async function signOut(): Promise<void> {
  const s = load();
  if (s?.refresh_token) {
    try {
      await api.anonymous("/auth/sign-out", { refresh_token: s.refresh_token });
    } catch {
      // Signed out locally either way; the tokens expire on their own.
    }
  }
  end();
}

export function isSignedIn(): boolean {
  const s = load();
  return !!s && (s.expires_at > Date.now() || !!s.refresh_token);
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

configureAuth(
  async () => {
    let s = load();
    if (s && s.expires_at - Date.now() < REFRESH_AHEAD_S * 1000 && s.refresh_token) {
      await refresh();
      s = load();
    }
    return s?.access_token ?? null;
  },
  () => end("expired"),
);

const initial = load();
if (initial) schedule(initial);
