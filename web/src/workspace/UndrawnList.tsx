//! The devices the drawing does not show — meters and earthing, which attach to other devices
//! rather than to a bus, and any kind the server has no symbol for yet — as a list beside the
//! diagram, so that each can still be selected and edited; and the add menu for meters and
//! earthing.

import { useState } from "react";
import type { Device, ProjectDocument } from "../api/types";
import { useI18n } from "../i18n";
import { typeLabel } from "./DevicePanel";
import { ATTACHED_TYPES, meterSources, type AttachedType } from "./edit";

/** What a meter or an earthing is attached to (ids), else nothing. */
function attachments(d: Device): string[] {
  if (d.type === "meter") return [...new Set([d.vt, d.ct].filter((x): x is string => !!x))];
  if (d.type === "earthing") return d.devices ?? [];
  return [];
}

/**
 * The devices of `doc` missing from the drawing (`drawn`: the ids on screen); before a drawing
 * has arrived, the meters and earthing, which the drawing never places on a bus.
 */
export function undrawn(doc: ProjectDocument, drawn: ReadonlySet<string> | null): number[] {
  return doc.devices.flatMap((d, i) => ((drawn ? !drawn.has(d.id) && d.type !== "bus" : d.type === "meter" || d.type === "earthing") ? [i] : []));
}

export function UndrawnList(props: {
  doc: ProjectDocument;
  drawn: ReadonlySet<string> | null;
  selected: number | null;
  onSelect: (index: number) => void;
  onAdd: (type: AttachedType) => void;
}) {
  const { t } = useI18n();
  const { doc, drawn, selected, onSelect, onAdd } = props;
  const [type, setType] = useState<AttachedType>("meter");
  const list = undrawn(doc, drawn);
  const src = meterSources(doc);
  // A meter needs an instrument transformer to hang on.
  const addable = ATTACHED_TYPES.filter((k) => k !== "meter" || src.vt.length + src.ct.length > 0);
  const chosen = addable.includes(type) ? type : addable[0];
  return (
    <section className="undrawn" aria-labelledby="undrawn-title" data-testid="undrawn">
      <h2 id="undrawn-title">{t.undrawnTitle}</h2>
      {list.length === 0 ? (
        <p className="muted">{t.undrawnNone}</p>
      ) : (
        <ul>
          {list.map((i) => {
            const d = doc.devices[i];
            const on = attachments(d);
            return (
              <li key={d.id}>
                <button className="undrawn-item" aria-pressed={i === selected} data-testid="undrawn-item" data-id={d.id} onClick={() => onSelect(i)}>
                  <span className="mono">{d.id}</span> {[typeLabel(t, d.type), d.name].filter(Boolean).join(" ")}
                  {on.length > 0 && <span className="muted"> {t.attachedTo(on.join(", "))}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="row">
        <label htmlFor="attached-type">{t.chooseAttached}</label>
        <select id="attached-type" value={chosen} onChange={(e) => setType(e.target.value as AttachedType)}>
          {addable.map((k) => (
            <option key={k} value={k}>{typeLabel(t, k)}</option>
          ))}
        </select>
        <button data-testid="add-attached" onClick={() => onAdd(chosen)}>{t.add}</button>
      </div>
    </section>
  );
}
