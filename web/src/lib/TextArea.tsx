//! A labelled text area with its help and, when the API refused what it holds, the error
//! beside it (the text-area sibling of the sign-in screen's `Field`).

export function TextArea(props: { id: string; label: string; help?: string; value: string; onChange: (v: string) => void; rows: number; error?: string }) {
  const helpId = `${props.id}-help`;
  const errId = `${props.id}-error`;
  const described = [props.help ? helpId : null, props.error ? errId : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        name={props.id}
        rows={props.rows}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && <p id={errId} className="field-error">{props.error}</p>}
      {props.help && <p id={helpId} className="muted small">{props.help}</p>}
    </div>
  );
}
