//! Choosing a device's library item: the built-in items that fit the device (`GET /library`),
//! narrowed as the user types, each shown with its maker, model and rating. Choosing one
//! writes its `library_ref` and the fields the engine checks against it in one edit (one
//! undo step); "none" removes the reference.

import { useId, useMemo, useState } from "react";
import type { Device } from "../api/types";
import { useI18n } from "../i18n";
import { LIBRARY_OF, applyItem, choicesFor, itemOf, search, type Change, type Choice, type Library } from "./library";

export function LibraryPicker(props: { device: Device; lib: Library | null; failed: boolean; bus_v: number; onPick: (changes: Change[]) => void }) {
  const { t, lang } = useI18n();
  const { device, lib, failed, bus_v, onPick } = props;
  const [query, setQuery] = useState("");
  const uid = useId();
  const where = LIBRARY_OF[device.type];
  const all = useMemo(() => (lib ? choicesFor(device, lib, bus_v, lang) : []), [lib, device, bus_v, lang]);
  const shown = useMemo(() => search(all, query), [all, query]);
  if (!where) return null;
  let ref: unknown = device;
  for (const p of where.path) ref = ref && typeof ref === "object" ? (ref as Record<string, unknown>)[p] : undefined;
  const current = lib ? itemOf(device, lib) : undefined;
  const currentChoice = current ? all.find((c) => c.id === current.id) : undefined;
  const text = (c: Choice) => `${t.libMaker} · ${c.model} · ${c.rating}`;
  const options = currentChoice && !shown.includes(currentChoice) ? [currentChoice, ...shown] : shown;
  const pick = (id: string) => {
    if (!id) return onPick([[where.path, undefined]]);
    const c = all.find((x) => x.id === id);
    if (c) onPick(applyItem(device, where.kind, c.item, bus_v));
  };
  return (
    <fieldset className="library-picker" data-testid="library-picker">
      <legend>{t.libTitle}</legend>
      <p className="small" data-testid="library-current">
        {currentChoice ? text(currentChoice) : typeof ref === "string" ? t.libUnknown(ref) : t.libNone}
      </p>
      {current && (
        <details className="muted small">
          <summary>{t.libSource}</summary>
          {current.source}
        </details>
      )}
      {!lib && <p className="muted small" role="status">{failed ? t.libUnavailable : t.loading}</p>}
      {lib && (
        <>
          <div className="field">
            <label htmlFor={`${uid}-q`}>{t.libSearch}</label>
            <input id={`${uid}-q`} type="search" value={query} placeholder={t.libSearchHint} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${uid}-item`}>{t.libItem}</label>
            <select id={`${uid}-item`} size={Math.min(6, options.length + 1)} value={typeof ref === "string" ? ref : ""} onChange={(e) => pick(e.target.value)} data-testid="library-item">
              <option value="">{t.libNoneOption}</option>
              {options.map((c) => (
                <option key={c.id} value={c.id} title={text(c)}>
                  {text(c)}
                </option>
              ))}
            </select>
          </div>
          <p className="muted small" aria-live="polite">{t.libCount(shown.length, all.length)}</p>
        </>
      )}
    </fieldset>
  );
}
