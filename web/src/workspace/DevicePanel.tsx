//! The side panel for the selected device: its library item (`LibraryPicker`), its settings
//! as unit-aware fields with the allowed steps (the library's where it gives them), and the
//! diagram edits that start from it (feeder branch, load, arrester or VT on a bus, insert in
//! series, a meter on an instrument transformer, delete with everything downstream, a fault
//! placed on a bus for the fault replay). Meters and earthing pick the devices they attach to
//! from the document. Errors the server named by JSON pointer appear on the field itself.

import { useState } from "react";
import type { FaultCase } from "../analysis/faults";
import type { Device, DeviceOf, MeterKind, OcrSettings, ProjectDocument } from "../api/types";
import { useI18n } from "../i18n";
import type { Dict } from "../i18n/dict";
import { Dialog } from "../lib/Dialog";
import {
  bondable, busVoltage, ends, meterCircuits, meterSources, seriesTypesAt, setField, shuntTypesAt, subtree, swappableBelow,
  type AttachedType, type SeriesType, type ShuntType,
} from "./edit";
import { ChoiceField, MultiPickField, NumberField, StepField, TextField } from "./fields";
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
  /** A meter or an earthing, attached to `target` when given. */
  addAttached: (type: AttachedType, target?: string) => void;
  insertSeries: (index: number, type: SeriesType) => void;
  deleteSubtree: (index: number) => void;
  swapWithBelow: (index: number) => void;
}

export function typeLabel(t: Dict, type: string): string {
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

  const choice = (label: string, value: string, choices: readonly { value: string; label: string }[], path: string[], onChange?: (v: string) => void) => (
    <ChoiceField key={path.join("/")} label={label} pointer={ptr(...path)} error={err(...path)} value={value} choices={choices} onChange={onChange ?? ((v) => edit(path, v))} />
  );
  const plain = (xs: readonly string[]) => xs.map((x) => ({ value: x, label: x }));
  /** A device picked by id among `ids` ("" for none when `optional`). */
  const pick = (label: string, ids: readonly string[], path: string[], optional: boolean) => {
    const value = String(get(d, path) ?? "");
    const list = value && !ids.includes(value) ? [...ids, value] : ids;
    const choices = [...(optional || !value ? [{ value: "", label: t.none }] : []), ...list.map((id) => ({ value: id, label: deviceLabel(doc, id) }))];
    return choice(label, value, choices, path, (v) => edit(path, v || undefined));
  };
  /** A group of fields under a legend, with a button that removes the group. */
  const section = (key: string, legend: string, body: React.ReactNode[], remove?: () => void) => (
    <fieldset key={`section-${key}`} className="section" data-testid={`section-${key}`}>
      <legend>{legend}</legend>
      {body}
      {remove && <button type="button" className="link" onClick={remove}>{t.sectionRemove}</button>}
    </fieldset>
  );
  const addButton = (key: string, label: string, onClick: () => void) => (
    <button key={`add-${key}`} type="button" data-testid={`add-${key}`} onClick={onClick}>{label}</button>
  );

  const fields: React.ReactNode[] = [];
  fields.push(<TextField key="name" label={t.deviceName} pointer={ptr("name")} error={err("name")} value={d.name ?? ""} onChange={(v) => actions.set(["name"], v || undefined)} />);
  const from = ends(d)?.from;
  const from_v = from ? busVoltage(doc, from) : doc.utility.voltage_v;
  const item = lib ? itemOf(d, lib) : undefined;
  switch (d.type) {
    case "bus":
      fields.push(num(t.fieldVoltage, "V", "voltage_v"));
      break;
    case "vcb":
      fields.push(num(t.fieldRatedCurrent, "A", "rated_current_a"), num(t.fieldBreaking, "kA", "breaking_capacity_ka"));
      fields.push(...ocrFields(d.ocr, t, step, edit, ptr, err, lib, lang));
      fields.push(
        d.ct
          ? section("ct", t.ctSection, [
              step(t.fieldOvercurrentConstant, S.CT_OVERCURRENT_CONSTANTS, undefined, ["ct", "overcurrent_constant"]),
              step(t.fieldRatedBurden, S.CT_BURDENS_VA, "VA", ["ct", "rated_burden_va"]),
              choice(t.fieldAccuracyClass, d.ct.accuracy_class, plain(S.CT_CLASSES), ["ct", "accuracy_class"]),
              num(t.fieldRelayBurden, "VA", "ct", "relay_burden_va"),
              num(t.fieldInternalBurden, "VA", "ct", "internal_burden_va"),
              step(t.fieldOvercurrentStrength, S.CT_OVERCURRENT_STRENGTHS, "×", ["ct", "overcurrent_strength"]),
            ], () => edit(["ct"], undefined))
          : addButton("ct", t.ctAdd, () => edit(["ct"], { rated_burden_va: 15, overcurrent_constant: 10, accuracy_class: "1.0", relay_burden_va: 2 })),
      );
      if (d.ground_relay) fields.push(groundRelay(d.ground_relay.kind));
      break;
    case "lbs_pf":
      fields.push(
        <ChoiceField key="ft" label={t.fieldFuseType} pointer={ptr("fuse", "fuse_type")} error={err("fuse", "fuse_type")} value={d.fuse.fuse_type}
          choices={S.FUSE_TYPES.map((f) => ({ value: f, label: f }))} onChange={(v) => edit(["fuse", "fuse_type"], v)} />,
        step(t.fieldFuseRating, fuseRatings(d.fuse.fuse_type, lib), "A", ["fuse", "rating_a"]),
      );
      break;
    case "transformer":
      fields.push(step(t.fieldKva, libraryKvas(d, lib), "kVA", ["rated_kva"]), num(t.fieldPrimaryV, "V", "primary_v"), num(t.fieldSecondaryV, "V", "secondary_v"));
      if (d.impedance.form === "rx") fields.push(num(t.fieldR, "%", "impedance", "r_percent"), num(t.fieldX, "%", "impedance", "x_percent"));
      break;
    case "cable":
      fields.push(
        <TextField key="cable_type" label={t.fieldCableType} pointer={ptr("cable_type")} error={err("cable_type")} value={d.cable_type} onChange={(v) => edit(["cable_type"], v)} />,
        step(t.fieldSize, librarySizes(d, lib), "mm²", ["size_mm2"]),
        num(t.fieldLength, "m", "length_m"),
      );
      break;
    case "lv_breaker":
      fields.push(
        <ChoiceField key="k" label={t.fieldLvKind} pointer={ptr("kind")} error={err("kind")} value={d.kind} choices={[{ value: "mccb", label: "MCCB" }, { value: "acb", label: "ACB" }]} onChange={(v) => edit(["kind"], v)} />,
        item ? step(t.fieldRatedCurrent, (item as BreakerItem).ratings_a, "A", ["rated_current_a"]) : num(t.fieldRatedCurrent, "A", "rated_current_a"),
        num(t.fieldFrame, "AF", "frame_a"),
        num(t.fieldBreaking, "kA", "breaking_capacity_ka"),
      );
      if (d.trip.kind === "thermal_magnetic") fields.push(num(t.fieldInstMultiple, "×", "trip", "instantaneous_multiple"));
      break;
    case "ground_switch":
      fields.push(num(t.fieldRatedCurrent, "A", "rated_current_a"));
      if (d.ground_relay) fields.push(groundRelay(d.ground_relay.kind));
      break;
    case "ds":
      fields.push(
        step(t.fieldRatedCurrent, S.DS_RATED_CURRENTS_A, "A", ["rated_current_a"]),
        num(t.fieldShortTime, "kA", "short_time_ka"),
        pick(t.fieldInterlock, doc.devices.filter((x) => x.type === "vcb" || x.type === "lbs_pf" || x.type === "ground_switch").map((x) => x.id), ["interlock"], true),
      );
      break;
    case "vct":
      fields.push(
        num(t.fieldPrimaryV, "V", "primary_v"),
        num(t.fieldSecondaryV, "V", "secondary_v"),
        step(t.fieldCtPrimary, S.CT_PRIMARIES_A, "A", ["ct_primary_a"]),
        step(t.fieldCtSecondary, [1, 5], "A", ["ct_secondary_a"]),
        choice(t.fieldAccuracyClass, d.accuracy_class, plain(S.VCT_CLASSES), ["accuracy_class"]),
        num(t.fieldVtBurden, "VA", "vt_rated_burden_va"),
        num(t.fieldCtBurden, "VA", "ct_rated_burden_va"),
      );
      break;
    case "la":
      fields.push(step(t.fieldRatedV, S.LA_RATED_V, "V", ["rated_voltage_v"]), step(t.fieldDischarge, S.LA_DISCHARGE_KA, "kA", ["nominal_discharge_current_ka"]));
      break;
    case "vt": {
      const fuse = d.fuse;
      fields.push(
        num(t.fieldPrimaryV, "V", "primary_v"),
        num(t.fieldSecondaryV, "V", "secondary_v"),
        step(t.fieldRatedBurden, S.VT_BURDENS_VA, "VA", ["rated_burden_va"]),
        choice(t.fieldAccuracyClass, d.accuracy_class, plain(S.VT_CLASSES), ["accuracy_class"]),
        num(t.fieldRelayBurden, "VA", "relay_burden_va"),
        choice(
          t.fieldVtFuse,
          fuse ? String(fuse.rating_a) : "",
          [{ value: "", label: t.none }, ...[...new Set([...S.VT_FUSE_RATINGS_A, ...(fuse ? [fuse.rating_a] : [])])].sort((a, b) => a - b).map((r) => ({ value: String(r), label: `${r} A` }))],
          ["fuse", "rating_a"],
          (v) => edit(["fuse"], v ? { ...fuse, rating_a: Number(v), breaking_capacity_ka: fuse?.breaking_capacity_ka ?? 40 } : undefined),
        ),
      );
      if (fuse) fields.push(num(t.fieldFuseBreaking, "kA", "fuse", "breaking_capacity_ka"));
      break;
    }
    case "meter": {
      const src = meterSources(doc);
      const c = meterCircuits(d.kind);
      fields.push(
        choice(t.fieldMeterKind, d.kind, S.METER_KINDS.map((k) => ({ value: k, label: t[`meter_${k}`] })), ["kind"], (v) => actions.setMany(meterKindChanges(d, v as MeterKind, src))),
      );
      if (c.voltage) fields.push(pick(t.fieldMeterVt, src.vt, ["vt"], false), num(t.fieldVoltageBurden, "VA", "voltage_burden_va"));
      if (c.current) fields.push(pick(t.fieldMeterCt, src.ct, ["ct"], false), num(t.fieldCurrentBurden, "VA", "current_burden_va"));
      break;
    }
    case "earthing": {
      const bonded = d.devices ?? [];
      const ids = bondable(doc);
      const errDevices = err("devices") ?? [...errors].find(([k]) => k.startsWith(ptr("devices") + "/"))?.[1];
      fields.push(
        choice(t.fieldEarthingClass, d.class, S.EARTHING_CLASSES.map((k) => ({ value: k, label: t[`earthing_${k}`] })), ["class"], (v) =>
          actions.setMany([
            [["class"], v],
            // I₁ is for class B only; class A has no relaxation by disconnection time.
            ...(v !== "b" ? [[["ground_fault_current_a"], undefined] as Change] : []),
            ...(v === "a" ? [[["disconnection_time_s"], undefined] as Change] : []),
          ]),
        ),
        num(t.fieldResistance, "Ω", "resistance_ohm"),
      );
      if (d.class === "b") fields.push(num(t.fieldGroundFaultCurrent, "A", "ground_fault_current_a"));
      if (d.class !== "a") fields.push(num(t.fieldDisconnection, "s", "disconnection_time_s"));
      fields.push(
        <MultiPickField key="devices" label={t.fieldBonded} pointer={ptr("devices")} error={errDevices}
          value={bonded} choices={[...ids, ...bonded.filter((x) => !ids.includes(x))].map((id) => ({ value: id, label: deviceLabel(doc, id) }))}
          onChange={(v) => edit(["devices"], v)} />,
      );
      break;
    }
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

  /** The ground relay of a VCB or PAS/UGS with its ZCT and, for a DGR, its ZPD. */
  function groundRelay(kind: "gr" | "dgr"): React.ReactNode {
    const g = get(d, ["ground_relay"]) as DeviceOf<"vcb">["ground_relay"];
    return section("ground-relay", t.groundRelaySection, [
      num(t.fieldGrCurrent, "A", "ground_relay", "current_a"),
      num(t.fieldGrTime, "s", "ground_relay", "time_s"),
      g?.zct
        ? section("zct", t.zctSection, [
            num(t.fieldZctPrimary, "mA", "ground_relay", "zct", "rated_primary_ma"),
            num(t.fieldZctSecondary, "mA", "ground_relay", "zct", "rated_secondary_ma"),
            num(t.fieldZctShortTime, "kA", "ground_relay", "zct", "short_time_ka"),
          ], () => edit(["ground_relay", "zct"], undefined))
        : addButton("zct", t.zctAdd, () => edit(["ground_relay", "zct"], { rated_primary_ma: 200, rated_secondary_ma: 1.5 })),
      kind !== "dgr"
        ? null
        : g?.zpd
          ? section("zpd", t.zpdSection, [num(t.fieldZpdVoltage, "V", "ground_relay", "zpd", "rated_voltage_v")], () => edit(["ground_relay", "zpd"], undefined))
          : addButton("zpd", t.zpdAdd, () => edit(["ground_relay", "zpd"], { rated_voltage_v: from_v })),
    ]);
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
function libraryKvas(d: DeviceOf<"transformer">, lib: Library | null): readonly number[] {
  const kvas = (lib?.transformers ?? []).filter((x) => x.phases === d.phases).map((x) => x.rated_kva);
  return kvas.length ? [...new Set(kvas)] : S.TRANSFORMER_KVA;
}

/** Cable sizes: the library's for the cable's type, else the standard list. */
function librarySizes(d: DeviceOf<"cable">, lib: Library | null): readonly number[] {
  const type = d.cable_type.trim().toUpperCase();
  const sizes = (lib?.cables ?? []).filter((c) => c.cable_type.toUpperCase() === type).map((c) => c.size_mm2);
  return sizes.length ? [...new Set(sizes)] : S.CABLE_SIZES_MM2;
}

/** A device for a list: its id, and its name when it has one. */
function deviceLabel(doc: ProjectDocument, id: string): string {
  const name = doc.devices.find((x) => x.id === id)?.name;
  return name ? `${id} ${name}` : id;
}

/**
 * The edit of a meter's kind: the circuits the new kind has keep (or get) their feeding
 * device, the circuits it lacks lose it and its burden.
 */
export function meterKindChanges(m: DeviceOf<"meter">, kind: MeterKind, src: { vt: string[]; ct: string[] }): Change[] {
  const c = meterCircuits(kind);
  const out: Change[] = [[["kind"], kind]];
  if (c.voltage && !m.vt && src.vt[0]) out.push([["vt"], src.vt[0]]);
  if (!c.voltage) out.push([["vt"], undefined], [["voltage_burden_va"], undefined]);
  if (c.current && !m.ct && src.ct[0]) out.push([["ct"], src.ct[0]]);
  if (!c.current) out.push([["ct"], undefined], [["current_burden_va"], undefined]);
  return out;
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
  const to = ends(device)?.to;
  const seriesTypes = busForBranch ? seriesTypesAt(busVoltage(doc, busForBranch)) : to ? seriesTypesAt(busVoltage(doc, to)).filter((x) => x !== "transformer") : [];
  const shuntTypes = busForBranch ? shuntTypesAt(busVoltage(doc, busForBranch)) : [];
  const feedsMeters = device.type === "vt" || device.type === "vct" || (device.type === "vcb" && !!device.ct);
  const [seriesType, setSeriesType] = useState<SeriesType | "">("");
  const [shuntType, setShuntType] = useState<ShuntType>("load");
  const shuntChosen = shuntTypes.includes(shuntType) ? shuntType : shuntTypes[0];
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
      {shuntTypes.length > 0 && (
        <div className="row">
          <label htmlFor="shunt-type">{t.chooseType}</label>
          <select id="shunt-type" value={shuntChosen} onChange={(e) => setShuntType(e.target.value as ShuntType)}>
            {shuntTypes.map((s) => (
              <option key={s} value={s}>{typeLabel(t, s)}</option>
            ))}
          </select>
          <button data-testid="add-shunt" onClick={() => actions.addShunt(device.id, shuntChosen)}>{t.addShunt}</button>
        </div>
      )}
      {feedsMeters && (
        <button data-testid="add-meter-here" onClick={() => actions.addAttached("meter", device.id)}>{t.addMeterHere}</button>
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
