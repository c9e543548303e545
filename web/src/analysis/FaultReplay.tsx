//! Fault replay: a fault placed on a bus (maximum or minimum case) and what the protection on
//! the path from the source does about it — the ordered list of the devices that operate
//! (time, "operates first" / "backup") and a step-through on the chart, where a marker walks
//! up the fault-current line from the fault's inception to each device's operating point in
//! turn. With `prefers-reduced-motion` the marker jumps from point to point.

import { useEffect, useRef, useState } from "react";
import type { BusShortCircuit } from "../api/types";
import { useI18n } from "../i18n";
import type { FaultCase, FaultSequence } from "./faults";

/** How long the marker takes between two points, and how long it rests on one while playing, ms. */
const WALK_MS = 700;
const REST_MS = 900;

function reducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** The step shown, the marker's time and the controls of a replay of `seq` starting at `start_s`. */
export function useReplay(seq: FaultSequence | null, start_s: number) {
  const [active, setActive] = useState(-1);
  const [playing, setPlaying] = useState(false);
  const [marker, setMarker] = useState(start_s);
  const markerRef = useRef(start_s);
  const steps = seq?.steps ?? [];
  const key = seq ? `${seq.bus_id} ${seq.kase} ${steps.map((s) => `${s.device_id}@${s.time_s}`).join(",")}` : "";

  // A new fault (or new results) starts over.
  useEffect(() => {
    setActive(-1);
    setPlaying(false);
    markerRef.current = start_s;
    setMarker(start_s);
  }, [key, start_s]);

  // The marker walks (in log time, as the chart's axis) to the active step's point.
  const target = active >= 0 && steps[active] ? steps[active].time_s : start_s;
  useEffect(() => {
    const from = markerRef.current;
    if (reducedMotion() || from === target) {
      markerRef.current = target;
      setMarker(target);
      return;
    }
    let frame = 0;
    const t0 = performance.now();
    const tick = (now: number) => {
      const f = Math.min(1, (now - t0) / WALK_MS);
      const eased = 1 - (1 - f) * (1 - f);
      const v = Math.exp(Math.log(from) + eased * (Math.log(target) - Math.log(from)));
      markerRef.current = v;
      setMarker(v);
      if (f < 1) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [target]);

  // Playing: rest on each point, then go on to the next; stop after the last.
  useEffect(() => {
    if (!playing) return;
    if (active >= steps.length - 1) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setActive((a) => a + 1), active < 0 ? 200 : (reducedMotion() ? 0 : WALK_MS) + REST_MS);
    return () => clearTimeout(timer);
  }, [playing, active, steps.length]);

  return {
    active,
    // Without motion the marker is on the active point in the same render as the step.
    marker_s: reducedMotion() ? target : marker,
    playing,
    play: () => {
      if (active >= steps.length - 1) setActive(-1);
      setPlaying(true);
    },
    pause: () => setPlaying(false),
    next: () => {
      setPlaying(false);
      setActive((a) => Math.min(a + 1, steps.length - 1));
    },
    prev: () => {
      setPlaying(false);
      setActive((a) => Math.max(a - 1, -1));
    },
  };
}

export type Replay = ReturnType<typeof useReplay>;

export function FaultReplayPanel(props: {
  buses: BusShortCircuit[];
  fault: { bus: string; kase: FaultCase } | null;
  onFault: (f: { bus: string; kase: FaultCase } | null) => void;
  seq: FaultSequence | null;
  replay: Replay;
  onSelectDevice: (id: string) => void;
}) {
  const { t, num } = useI18n();
  const { buses, fault, onFault, seq, replay } = props;
  const seconds = (s: number) => num(s, Math.max(0, Math.min(4, 2 - Math.floor(Math.log10(s)))));
  const amps = (a: number) => (a >= 10_000 ? `${num(a / 1000, 2)} kA` : `${num(a, 0)} A`);
  return (
    <fieldset className="fault-replay" data-testid="fault-replay">
      <legend>{t.faultReplay}</legend>
      <div className="field">
        <label htmlFor="fault-bus">{t.faultBus}</label>
        <select id="fault-bus" value={fault?.bus ?? ""} onChange={(e) => onFault(e.target.value ? { bus: e.target.value, kase: fault?.kase ?? "max" } : null)}>
          <option value="">{t.faultNone}</option>
          {buses.map((b) => (
            <option key={b.bus_id} value={b.bus_id}>{`${b.bus_id}${b.name && b.name !== b.bus_id ? ` ${b.name}` : ""} (${num(b.voltage_v, 0)} V)`}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="fault-case-an">{t.faultCase}</label>
        <select id="fault-case-an" value={fault?.kase ?? "max"} disabled={!fault} onChange={(e) => fault && onFault({ bus: fault.bus, kase: e.target.value as FaultCase })}>
          <option value="max">{t.faultMax}</option>
          <option value="min">{t.faultMin}</option>
        </select>
      </div>
      {!fault && <p className="muted small">{t.faultHint}</p>}
      {seq && (
        <>
          <p className="small" data-testid="fault-current">{t.faultCurrentAt(seq.bus_id, `${num(seq.ik_ka, 2)} kA`, `${num(seq.voltage_v, 0)} V`)}</p>
          {seq.steps.length === 0 && <p className="error small">{t.faultNobody}</p>}
          <ol className="sequence" data-testid="fault-sequence" aria-label={t.faultSequence}>
            {seq.steps.map((s, k) => (
              <li
                key={`${s.device_id}-${k}`}
                className={`${s.order}${k === replay.active ? " active" : ""}`}
                data-device={s.device_id}
                data-order={s.order}
                data-time-s={s.time_s}
                aria-current={k === replay.active ? "step" : undefined}
              >
                <button className="link mono" onClick={() => props.onSelectDevice(s.device_id)}>{s.device_id === "utility" ? t.utility : s.device_id}</button>
                <span className="seq-time">{t.seconds(seconds(s.time_s))}</span>
                <span className={`badge ${s.order === "first" ? "pass" : "backup"}`}>{s.order === "first" ? t.operatesFirst : t.backup}</span>
                <span className="muted small seq-detail">{t.seenCurrent(amps(s.current_a), `${num(s.voltage_v, 0)} V`, s.earliest_s !== undefined ? seconds(s.earliest_s) : "—")}</span>
              </li>
            ))}
          </ol>
          {seq.idle.length > 0 && (
            <p className="muted small" data-testid="fault-idle">{t.faultIdle(seq.idle.map((d) => (d.device_id === "utility" ? t.utility : d.device_id)).join(", "))}</p>
          )}
          <div className="row replay-controls" role="group" aria-label={t.replayControls}>
            <button onClick={replay.prev} disabled={replay.active < 0} data-testid="replay-prev">{t.replayPrev}</button>
            {replay.playing ? (
              <button onClick={replay.pause} data-testid="replay-pause">{t.replayPause}</button>
            ) : (
              <button onClick={replay.play} disabled={!seq.steps.length} data-testid="replay-play">{t.replayPlay}</button>
            )}
            <button onClick={replay.next} disabled={replay.active >= seq.steps.length - 1} data-testid="replay-next">{t.replayNext}</button>
          </div>
          <p className="sr-only" aria-live="polite">
            {replay.active >= 0 && seq.steps[replay.active] ? t.replayAnnounce(replay.active + 1, seq.steps[replay.active].device_id, seconds(seq.steps[replay.active].time_s)) : ""}
          </p>
        </>
      )}
    </fieldset>
  );
}
