//! The support desk's refusals in the user's words: an inquiry not found (someone else's,
//! or another company's), a full thread, a form to correct; anything else as the rest of the
//! client words it.

import { ApiError } from "../api/client";
import type { Dict } from "../i18n/dict";
import { describeError } from "../lib/errors";
import type { SupportText } from "./text";

export function supportError(e: unknown, t: Dict, s: SupportText): string {
  if (e instanceof ApiError) {
    switch (e.code) {
      case "not_found":
        return s.notFound;
      case "thread_full":
        return s.threadFull;
      case "validation_failed":
        return s.invalid;
    }
  }
  return describeError(e, t);
}
