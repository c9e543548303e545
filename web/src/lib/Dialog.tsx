//! A modal dialog on the native <dialog> element: focus is trapped by the browser and Escape
//! closes it (unless the caller forbids it, e.g. a conflict that must be decided).

import { useEffect, useRef, type ReactNode } from "react";

export function Dialog(props: { title: string; onClose?: () => void; children: ReactNode; testId?: string; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const titleId = `dlg-${props.testId ?? "x"}-title`;
  return (
    <dialog
      ref={ref}
      className={props.wide ? "wide" : undefined}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose?.();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}
