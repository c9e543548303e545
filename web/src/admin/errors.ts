//! The administration API's refusals in the user's words: the stable codes of the access
//! rules (the last full administrator, grants beyond one's own) and of concurrent changes;
//! anything else as the rest of the client words it.

import { ApiError } from "../api/client";
import type { Dict } from "../i18n/dict";
import { describeError } from "../lib/errors";
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
    }
  }
  return describeError(e, t);
}
