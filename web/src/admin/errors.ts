//! The administration API's refusals in the user's words: the stable codes of the access
//! rules (the last full administrator, grants beyond one's own) and of concurrent changes;
//! anything else as the rest of the client words it.

import { ApiError } from "../api/client";
import type { Dict, Lang } from "../i18n/dict";
import { describeError, fieldErrorsIn } from "../lib/errors";
import type { AdminText } from "./text";

export function adminError(e: unknown, t: Dict, a: AdminText): string {
  if (e instanceof ApiError) {
    switch (e.code) {
      case "last_full_admin":
        return a.lastFullAdmin;
      case "grant_exceeds_own":
        return a.grantExceedsOwn;
      case "target_exceeds_own":
        return a.targetExceedsOwn;
      case "concurrent_change":
        return a.concurrentChange;
      case "email_taken":
        return a.emailTaken;
      case "not_found":
        return a.notFound;
      case "permission_denied":
        return a.permissionDenied;
      case "would_lock_out_caller":
        return a.wouldLockOut;
      case "invalid_request":
        return a.invalidInput;
    }
  }
  return describeError(e, t);
}

/**
 * Field messages by JSON pointer (`/email`, `/ip_allow_list/2`) or query parameter (`from`),
 * in the user's language: the API's Japanese where it gives one, else this screen's words
 * for the pointer and code, else the API's English.
 */
export function adminFieldErrors(e: unknown, lang: Lang, a: AdminText): Map<string, string> {
  return fieldErrorsIn(e, lang, a.fieldMessages);
}
