//! The password policy as the user types: the same four rules the service enforces
//! (at least 8 characters, an ASCII upper-case letter, a lower-case letter, an ASCII
//! punctuation mark or space). The server remains the judge; this only explains early.

import type { Dict } from "../i18n/dict";

export interface PolicyRule {
  key: "policyMinLength" | "policyUpper" | "policyLower" | "policySymbol";
  met: boolean;
}

export function policyRules(password: string): PolicyRule[] {
  return [
    { key: "policyMinLength", met: [...password].length >= 8 },
    { key: "policyUpper", met: /[A-Z]/.test(password) },
    { key: "policyLower", met: /[a-z]/.test(password) },
    { key: "policySymbol", met: /[!-/:-@[-`{-~ ]/.test(password) },
  ];
}

export function policyMet(password: string): boolean {
  return policyRules(password).every((r) => r.met);
}

export type PolicyKey = PolicyRule["key"] & keyof Dict;
