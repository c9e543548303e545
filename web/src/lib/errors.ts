//! Turning a refused request into words for the user, and into per-field messages keyed by
//! the JSON pointer the API named.

import { ApiError } from "../api/client";
import type { FieldError } from "../api/types";
import type { Dict } from "../i18n/dict";
import type { Lang } from "../i18n/dict";

/** A sentence for an error that belongs to no single field. */
export function describeError(e: unknown, t: Dict): string {
  if (!(e instanceof ApiError)) return t.unexpectedError(String(e));
  switch (e.code) {
    case "network_error":
      return t.networkError;
    case "invalid_credentials":
      return t.invalidCredentials;
    case "account_locked":
      return t.accountLocked;
    case "ip_not_allowed":
      return t.ipNotAllowed;
    case "user_disabled":
      return t.userDisabled;
    case "tenant_unavailable":
      return t.tenantUnavailable;
    case "invalid_code":
      return t.invalidCode;
    case "challenge_expired":
    case "expired":
      return t.challengeExpired;
    case "validation_failed":
      return t.validationFailed;
    default:
      return e.problem.detail ? `${e.problem.detail}` : t.unexpectedError(e.code);
  }
}

/** Field messages by JSON pointer (in the user's language where the API gives it). */
export function fieldErrors(e: unknown, lang: Lang): Map<string, string> {
  const out = new Map<string, string>();
  if (!(e instanceof ApiError)) return out;
  for (const fe of e.problem.errors ?? []) {
    if (fe.pointer === undefined) continue;
    const msg = messageOf(fe, lang);
    out.set(fe.pointer, out.has(fe.pointer) ? `${out.get(fe.pointer)} ${msg}` : msg);
  }
  return out;
}

/**
 * Field messages by JSON pointer (`/email`, `/ip_allow_list/2`) or query parameter (`from`),
 * in the user's language: the API's Japanese where it gives one, else the screen's own words
 * for the pointer (an index dropped) and code (`own["/email:invalid_value"]`), else the API's
 * English.
 */
export function fieldErrorsIn(e: unknown, lang: Lang, own: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  if (!(e instanceof ApiError)) return out;
  for (const fe of e.problem.errors ?? []) {
    const key = fe.pointer ?? fe.parameter;
    if (key === undefined) continue;
    const mine = fe.message_ja ? undefined : own[`${key.replace(/\/\d+$/, "")}:${fe.code}`];
    const msg = mine ?? messageOf(fe, lang);
    out.set(key, out.has(key) ? `${out.get(key)} ${msg}` : msg);
  }
  return out;
}

export function messageOf(fe: FieldError, lang: Lang): string {
  return lang === "ja" && fe.message_ja ? fe.message_ja : fe.message;
}
