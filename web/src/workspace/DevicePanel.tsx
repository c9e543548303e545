//! The side panel for the selected device: its library item (`LibraryPicker`), its settings
//! as unit-aware fields with the allowed steps (the library's where it gives them), and the
//! diagram edits that start from it (feeder branch, load, insert in series, delete with
//! everything downstream, a fault placed on a bus for the fault replay). Errors the server
//! named by JSON pointer appear on the field itself.

import { useState } from "react";
import type { FaultCase } from "../analysis/faults";
import type { Device, OcrSettings, ProjectDocument } from "../api/types";
import { useI18n } from "../i18n";
import type { Dict } from "../i18n/dict";
import { Dialog } from "../lib/Dialog";
import { SHUNT_TYPES, busVoltage, seriesTypesAt, setField, subtree, swappableBelow, type SeriesType, type ShuntType } from "./edit";
import { ChoiceField, NumberField, StepField, TextField } from "./fields";
import { LibraryPicker } from "./LibraryPicker";
import { curveOf, fuseRatings, itemOf, reconcile, relayItemFor, relaySteps, useLibrary, type BreakerItem, type Change, type Library, type RelaySteps } from "./library";
import * as S from "./steps";

export interface PanelActions {
  set: (path: string[], value: unknown) => void;
  /** Several fields of the selected device in one edit (one undo step). */
  setMany: (changes: Change[]) => void;
  /** Study a fault on this bus (the coordination view replays it). */
  placeFault: (bus: string, kase: FaultCase) => void;
  addBranch: (bus: string, type: SeriesType) => void;
  addShunt: (bus: string, type: ShuntType) => void;
  insertSeries: (index: number, type: SeriesType) => void;
  deleteSubtree: (index: number) => void;
  swapWithBelow: (index: number) => void;
}

function typeLabel(t: Dict, type: string): string {
  const v = (t as Record<string, unknown>)[`type_${type}`];
  return typeof v === "string" ? v : type;
}

export function DevicePanel(props: { doc: ProjectDocument; index: number | null; errors: Map<string, string>; actions: PanelActions }) {
  const { t, lang } = useI18n();
  const { doc, index, errors, actions } = props;
  const { lib, failed } = useLibrary();
  if (index === null || !doc.devices[index]) {
    return (
      <aside className="panel" aria-label={t.selectDevice}>
        <p className="muted">{t.selectDevice}</p>
      </aside>
    );
  }
  const d = doc.devices[index];
  // A hand edit of a device that names a library item keeps the reference true (or drops it).
  const edit = (path: string[], value: unknown) => {
    const fix = lib && reconcile(setField(doc, index, path, value).devices[index], lib);
    if (fix) actions.setMany([[path, value], fix]);
    else actions.set(path, value);
  };
  const ptr = (...path: string[]) => `/devices/${index}/${path.join("/")}`;
  const err = (...path: string[]) => errors.get(ptr(...path));
  const num = (label: string, unit: string, ...path: string[]) => (
    <NumberField
      key={path.join("/")}
      label={label}
      unit={unit}
      pointer={ptr(...path)}
      error={err(...path)}
      value={get(d, path) as number | undefined}
      onChange={(v) => edit(path, v)}
    />
  );
  const step = (label: string, steps: readonly number[], unit: string | undefined, path: string[], allowLocked = false) => (
    <StepField
      key={path.join("/")}
      label={label}
      unit={unit}
      steps={steps}
      allowLocked={allowLocked}
      pointer={ptr(...path)}
      error={err(...path)}
      value={get(d, path) as number | null | undefined}
      onChange={(v) => edit(path, v === null ? null : v)}
    />
  );

  const fields: React.ReactNode[] = [];
  fields.push(<TextField key="name" label={t.deviceName} pointer={ptr("name")} error={err("name")} value={d.name ?? ""} onChange={(v) => actions.set(["name"], v || undefined)} />);
  const from_v = d.from ? busVoltage(doc, d.from) : doc.utility.voltage_v;
  const item = lib ? itemOf(d, lib) : undefined;
  switch (d.type) {
    case "bus":
      fields.push(num(t.fieldVoltage, "V", "voltage_v"));
      break;
    case "vcb":
      fields.push(num(t.fieldRatedCurrent, "A", "rated_current_a"), num(t.fieldBreaking, "kA", "breaking_capacity_ka"));
      if (d.ocr) fields.push(...ocrFields(d.ocr, t, step, edit, ptr, err, lib, lang));
      break;
    case "lbs_pf":
      fields.push(
        <ChoiceField key="ft" label={t.fieldFuseType} pointer={ptr("fuse", "fuse_type")} error={err("fuse", "fuse_type")} value={d.fuse?.fuse_type ?? "T"}
          choices={S.FUSE_TYPES.map((f) => ({ value: f, label: f }))} onChange={(v) => edit(["fuse", "fuse_type"], v)} />,
        step(t.fieldFuseRating, fuseRatings(d.fuse?.fuse_type ?? "T", lib), "A", ["fuse", "rating_a"]),
      );
      break;
    case "transformer":
      fields.push(step(t.fieldKva, libraryKvas(d, lib), "kVA", ["rated_kva"]), num(t.fieldPrimaryV, "V", "primary_v"), num(t.fieldSecondaryV, "V", "secondary_v"));
      if ((d.impedance as { form?: string } | undefined)?.form === "rx") fields.push(num(t.fieldR, "%", "impedance", "r_percent"), num(t.fieldX, "%", "impedance", "x_percent"));
      break;
    case "cable":
      fields.push(
        <TextField key="ct" label={t.fieldCableType} pointer={ptr("cable_type")} error={err("cable_type")} value={String(d.cable_type ?? "")} onChange={(v) => edit(["cable_type"], v)} />,
        step(t.fieldSize, librarySizes(d, lib), "mm²", ["size_mm2"]),
        num(t.fieldLength, "m", "length_m"),
      );
      break;
    case "lv_breaker":
      fields.push(
        <ChoiceField key="k" label={t.fieldLvKind} pointer={ptr("kind")} error={err("kind")} value={String(d.kind)} choices={[{ value: "mccb", label: "MCCB" }, { value: "acb", label: "ACB" }]} onChange={(v) => edit(["kind"], v)} />,
        item ? step(t.fieldRatedCurrent, (item as BreakerItem).ratings_a, "A", ["rated_current_a"]) : num(t.fieldRatedCurrent, "A", "rated_current_a"),
        num(t.fieldFrame, "AF", "frame_a"),
        num(t.fieldBreaking, "kA", "breaking_capacity_ka"),
      );
      if ((d.trip as { kind?: string } | undefined)?.kind === "thermal_magnetic") fields.push(num(t.fieldInstMultiple, "×", "trip", "instantaneous_multiple"));
      break;
    case "ground_switch":
      fields.push(num(t.fieldRatedCurrent, "A", "rated_current_a"));
      if (d.ground_relay) fields.push(num(t.fieldGrCurrent, "A", "ground_relay", "current_a"), num(t.fieldGrTime, "s", "ground_relay", "time_s"));
      break;
    case "load":
      fields.push(num(t.fieldKva, "kVA", "rated_kva"), num(t.fieldPf, "", "power_factor"), num(t.fieldRatedV, "V", "rated_voltage_v"));
      break;
    case "capacitor":
      fields.push(num(t.fieldKvar, "kvar", "rated_kvar"), step(t.fieldReactor, S.REACTOR_PERCENT, "%", ["reactor_percent"]), num(t.fieldRatedV, "V", "rated_voltage_v"));
      break;
    case "motor":
      fields.push(num(t.fieldKw, "kW", "rated_kw"), num(t.fieldRatedV, "V", "rated_voltage_v"));
      break;
    case "generator":
      fields.push(num(t.fieldKva, "kVA", "rated_kva"), num(t.fieldRatedV, "V", "rated_voltage_v"));
      break;
  }

  return (
    <aside className="panel" aria-labelledby="panel-title" data-testid="device-panel">
      <h2 id="panel-title">
        {typeLabel(t, d.type)} <span className="mono">{d.id}</span>
      </h2>
      {d.type === "bus" && d.id === doc.utility.bus && <p className="muted">{t.utilityBus}</p>}
      <LibraryPicker key={d.id} device={d} lib={lib} failed={failed} bus_v={from_v} onPick={actions.setMany} />
      <div className="fields">{fields}</div>
      <EditActions doc={doc} index={index} device={d} actions={actions} />
    </aside>
  );
}

/** Transformer ratings: the library's sizes for the transformer's phases, else the standard list. */
function libraryKvas(d: Device, lib: Library | null): readonly number[] {
  const kvas = (lib?.transformers ?? []).filter((x) => x.phases === (d.phases ?? "three")).map((x) => x.rated_kva);
  return kvas.length ? [...new Set(kvas)] : S.TRANSFORMER_KVA;
}

/** Cable sizes: the library's for the cable's type, else the standard list. */
function librarySizes(d: Device, lib: Library | null): readonly number[] {
  const type = String(d.cable_type ?? "").trim().toUpperCase();
  const sizes = (lib?.cables ?? []).filter((c) => c.cable_type.toUpperCase() === type).map((c) => c.size_mm2);
  return sizes.length ? [...new Set(sizes)] : S.CABLE_SIZES_MM2;
}

function get(d: Device, path: string[]): unknown {
  let v: unknown = d;
  for (const p of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** The settings an OCR's library item (or the item of its curve) allows; the JIS steps without a library. */
export function ocrSteps(ocr: OcrSettings, lib: Library | null): RelaySteps {
  return relaySteps(ocr, relayItemFor(ocr, lib));
}

export function ocrFields(
  ocr: OcrSettings,
  t: Dict,
  step: (label: string, steps: readonly number[], unit: string | undefined, path: string[], allowLocked?: boolean) => React.ReactNode,
  set: (path: string[], v: unknown) => void,
  ptr: (...p: string[]) => string,
  err: (...p: string[]) => string | undefined,
  lib: Library | null,
  lang: "ja" | "en",
): React.ReactNode[] {
  // The curves the library has (by their own names), else the four JIS curves.
  const named = new Map<string, string>((lib?.relays ?? []).map((r) => [curveOf(r), lang === "ja" ? r.name_ja : r.name_en]));
  const curveLabel = (c: string) => {
    const v = (t as Record<string, unknown>)[`curve_${c}`];
    return typeof v === "string" ? v : named.get(c) ?? c;
  };
  const curves: string[] = named.size ? [...named.keys()] : [...S.OCR_CURVES];
  if (!curves.includes(ocr.curve)) curves.push(ocr.curve);
  const steps = ocrSteps(ocr, lib);
  const cts = [...S.CT_PRIMARIES_A] as number[];
  if (!cts.includes(ocr.ct_primary_a)) cts.push(ocr.ct_primary_a);
  return [
    <ChoiceField key="curve" label={t.fieldCurve} pointer={ptr("ocr", "curve")} error={err("ocr", "curve")} value={ocr.curve} choices={curves.map((c) => ({ value: c, label: curveLabel(c) }))} onChange={(v) => set(["ocr", "curve"], v)} />,
    <ChoiceField key="ct" label={t.fieldCt} pointer={ptr("ocr", "ct_primary_a")} error={err("ocr", "ct_primary_a")} value={String(ocr.ct_primary_a)}
      choices={cts.sort((a, b) => a - b).map((c) => ({ value: String(c), label: `${c}/${ocr.ct_secondary_a} A` }))} onChange={(v) => set(["ocr", "ct_primary_a"], Number(v))} />,
    step(t.fieldTap, steps.taps, "A", ["ocr", "tap_a"], true),
    step(t.fieldLever, steps.levers, undefined, ["ocr", "lever"]),
    step(t.fieldInst, steps.instantaneous, "A", ["ocr", "instantaneous_tap_a"], true),
  ];
}

function EditActions({ doc, index, device, actions }: { doc: ProjectDocument; index: number; device: Device; actions: PanelActions }) {
  const { t } = useI18n();
  const [confirm, setConfirm] = useState(false);
  const isBus = device.type === "bus";
  const busForBranch = isBus ? device.id : undefined;
  const seriesTypes = busForBranch ? seriesTypesAt(busVoltage(doc, busForBranch)) : device.to ? seriesTypesAt(busVoltage(doc, device.to)).filter((x) => x !== "transformer") : [];
  const [seriesType, setSeriesType] = useState<SeriesType | "">("");
  const [shuntType, setShuntType] = useState<ShuntType>("load");
  const [faultCase, setFaultCase] = useState<FaultCase>("max");
  const chosen = seriesType && seriesTypes.includes(seriesType) ? seriesType : seriesTypes[0];
  const removable = !(isBus && device.id === doc.utility.bus);
  const count = subtree(doc, index).size - 1;
  return (
    <div className="edit-actions">
      {seriesTypes.length > 0 && (
        <div className="row">
          <label htmlFor="series-type">{t.chooseType}</label>
          <select id="series-type" value={chosen} onChange={(e) => setSeriesType(e.target.value as SeriesType)}>
            {seriesTypes.map((s) => (
              <option key={s} value={s}>{typeLabel(t, s)}</option>
            ))}
          </select>
          <button data-testid={isBus ? "add-branch" : "insert-series"} onClick={() => (isBus ? actions.addBranch(device.id, chosen) : actions.insertSeries(index, chosen))}>
            {isBus ? t.addBranch : t.addSeries}
          </button>
        </div>
      )}
      {isBus && (
        <div className="row">
          <label htmlFor="shunt-type">{t.chooseType}</label>
          <select id="shunt-type" value={shuntType} onChange={(e) => setShuntType(e.target.value as ShuntType)}>
            {SHUNT_TYPES.map((s) => (
              <option key={s} value={s}>{typeLabel(t, s)}</option>
            ))}
          </select>
          <button data-testid="add-shunt" onClick={() => actions.addShunt(device.id, shuntType)}>{t.addShunt}</button>
        </div>
      )}
      {isBus && (
        <div className="row" data-testid="fault-actions">
          <label htmlFor="fault-case">{t.faultCase}</label>
          <select id="fault-case" value={faultCase} onChange={(e) => setFaultCase(e.target.value as FaultCase)}>
            <option value="max">{t.faultMax}</option>
            <option value="min">{t.faultMin}</option>
          </select>
          <button data-testid="place-fault" onClick={() => actions.placeFault(device.id, faultCase)}>{t.placeFault}</button>
        </div>
      )}
      {swappableBelow(doc, index) !== undefined && (
        <button data-testid="swap-below" onClick={() => actions.swapWithBelow(index)}>
          {t.swapBelow(doc.devices[swappableBelow(doc, index)!].id)}
        </button>
      )}
      {removable && (
        <button className="danger" data-testid="delete-subtree" onClick={() => (count > 0 ? setConfirm(true) : actions.deleteSubtree(index))}>
          {t.deleteSubtree}
        </button>
      )}
      {confirm && (
        <Dialog title={t.deleteSubtree} onClose={() => setConfirm(false)} testId="confirm-subtree">
          <p>{t.confirmDeleteSubtree(count)}</p>
          <div className="buttons">
            <button onClick={() => setConfirm(false)}>{t.cancel}</button>
            <button className="danger" onClick={() => { setConfirm(false); actions.deleteSubtree(index); }}>{t.delete}</button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
