//! Reading what engineers type: full-width digits, signs and units (ＮＦＫＣ), thousands
//! separators and a trailing unit are accepted wherever a number is asked for.

/** NFKC-normalise and trim: "１２．５ｋＡ" → "12.5kA", "　" → "". */
export function normalise(text: string): string {
  return text.normalize("NFKC").replace(/[\u2212\u2012\u2013\u2014\u30fc]/g, "-").trim();
}

/** The outcome of reading a number field. */
export type ParsedNumber = { ok: true; value: number } | { ok: false; reason: "empty" | "not_a_number" | "wrong_unit" };

/**
 * Read a number typed in a field whose unit is `unit` (e.g. "A", "kVA", "s"). The unit may be
 * typed or omitted; a different unit is refused rather than guessed. Thousands separators
 * ("1,500") are accepted.
 */
export function parseNumber(text: string, unit?: string): ParsedNumber {
  let s = normalise(text).replace(/,/g, "").replace(/\s+/g, "");
  if (s === "") return { ok: false, reason: "empty" };
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(.*)$/i.exec(s);
  if (!m) return { ok: false, reason: "not_a_number" };
  const rest = m[2];
  if (rest !== "" && (!unit || rest.toLowerCase() !== unit.toLowerCase().replace(/\s+/g, ""))) {
    return { ok: false, reason: unit ? "wrong_unit" : "not_a_number" };
  }
  const value = Number(m[1]);
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: "not_a_number" };
}

/** The allowed step nearest to `value` (ties go to the larger step). */
export function nearestStep(value: number, steps: readonly number[]): number {
  let best = steps[0];
  for (const s of steps) {
    if (Math.abs(s - value) < Math.abs(best - value) || (Math.abs(s - value) === Math.abs(best - value) && s > best)) best = s;
  }
  return best;
}
