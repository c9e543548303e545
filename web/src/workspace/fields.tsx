//! Form fields for device settings: numbers typed with or without their unit (full-width
//! accepted), choices limited to the allowed steps, and the server's message for the field
//! its JSON pointer names.

import { useEffect, useState } from "react";
import { useI18n } from "../i18n";
import { isComposing } from "../lib/ime";
import { parseNumber } from "../lib/nfkc";

function fieldId(pointer: string): string {
  return `f${pointer.replace(/[^a-zA-Z0-9]+/g, "-")}`;
}

interface Common {
  label: string;
  pointer: string;
  error?: string;
}

function Shell({ label, pointer, error, local, children }: Common & { local?: string; children: React.ReactNode }) {
  const id = fieldId(pointer);
  const msg = local ?? error;
  return (
    <div className={`field${msg ? " invalid" : ""}`} data-pointer={pointer}>
      <label htmlFor={id}>{label}</label>
      {children}
      {msg && (
        <p id={`${id}-error`} className="field-error" role={error ? "alert" : undefined}>
          {msg}
        </p>
      )}
    </div>
  );
}

/** A number in `unit`; the document only changes when the text reads as a number. */
export function NumberField(props: Common & { value: number | undefined; unit: string; onChange: (v: number) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(props.value === undefined ? "" : String(props.value));
  const [local, setLocal] = useState<string | undefined>();
  useEffect(() => {
    const p = parseNumber(text, props.unit);
    if (!(p.ok && p.value === props.value)) {
      setText(props.value === undefined ? "" : String(props.value));
      setLocal(undefined);
    }
    // Only an outside change (undo, reload) resets the text.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.value]);
  const id = fieldId(props.pointer);
  const msg = local ?? props.error;
  return (
    <Shell {...props} local={local}>
      <span className="with-unit">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          value={text}
          aria-invalid={msg ? true : undefined}
          aria-describedby={msg ? `${id}-error` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            const p = parseNumber(e.target.value, props.unit);
            if (p.ok) {
              setLocal(undefined);
              if (p.value !== props.value) props.onChange(p.value);
            } else {
              setLocal(p.reason === "wrong_unit" ? t.wrongUnit(props.unit) : p.reason === "empty" ? t.required : t.notANumber);
            }
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !isComposing(e)) (e.target as HTMLInputElement).blur();
          }}
          onBlur={() => {
            // Show what was understood: "１２０ｋＶＡ" becomes "120".
            const p = parseNumber(text, props.unit);
            if (p.ok) setText(String(p.value));
          }}
        />
        <span className="unit" aria-hidden="true">{props.unit}</span>
      </span>
    </Shell>
  );
}

/** One of the allowed steps (the current value is kept in the list even when off-step). */
export function StepField(props: Common & { value: number | null | undefined; steps: readonly number[]; unit?: string; allowLocked?: boolean; onChange: (v: number | null) => void }) {
  const { t, num } = useI18n();
  const id = fieldId(props.pointer);
  const steps = [...props.steps];
  if (typeof props.value === "number" && !steps.includes(props.value)) steps.push(props.value);
  steps.sort((a, b) => a - b);
  return (
    <Shell {...props}>
      <select
        id={id}
        value={props.value === null || props.value === undefined ? "locked" : String(props.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(e) => props.onChange(e.target.value === "locked" ? null : Number(e.target.value))}
      >
        {props.allowLocked && <option value="locked">{t.locked}</option>}
        {steps.map((s) => (
          <option key={s} value={String(s)}>
            {num(s, 3)}
            {props.unit ? ` ${props.unit}` : ""}
          </option>
        ))}
      </select>
    </Shell>
  );
}

export function ChoiceField(props: Common & { value: string; choices: readonly { value: string; label: string }[]; onChange: (v: string) => void }) {
  const id = fieldId(props.pointer);
  return (
    <Shell {...props}>
      <select id={id} value={props.value} aria-invalid={props.error ? true : undefined} aria-describedby={props.error ? `${id}-error` : undefined} onChange={(e) => props.onChange(e.target.value)}>
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Shell>
  );
}

export function TextField(props: Common & { value: string; onChange: (v: string) => void }) {
  const id = fieldId(props.pointer);
  return (
    <Shell {...props}>
      <input id={id} type="text" value={props.value} aria-invalid={props.error ? true : undefined} aria-describedby={props.error ? `${id}-error` : undefined} onChange={(e) => props.onChange(e.target.value)} />
    </Shell>
  );
}

/** Several of `choices` at once (the devices an earthing bonds), as a group of check boxes. */
export function MultiPickField(props: Common & { value: readonly string[]; choices: readonly { value: string; label: string }[]; onChange: (v: string[]) => void }) {
  const id = fieldId(props.pointer);
  const { value, onChange } = props;
  return (
    <fieldset className={`field multi${props.error ? " invalid" : ""}`} data-pointer={props.pointer} aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.label}</legend>
      {props.choices.map((c) => (
        <label key={c.value} className="check">
          <input
            type="checkbox"
            checked={value.includes(c.value)}
            onChange={(e) => onChange(e.target.checked ? [...value, c.value] : value.filter((x) => x !== c.value))}
          />
          {c.label}
        </label>
      ))}
      {props.error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
