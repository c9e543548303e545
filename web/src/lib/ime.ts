//! Keyboard shortcuts that never fire while an input method is composing (変換中): the Enter
//! that confirms a kana-kanji conversion must not also submit, undo or delete.

import { useEffect } from "react";

/** Whether this key event belongs to an IME composition (keyCode 229 covers Safari). */
export function isComposing(e: KeyboardEvent | React.KeyboardEvent): boolean {
  const native = "nativeEvent" in e ? e.nativeEvent : e;
  return native.isComposing || native.keyCode === 229;
}

export interface Shortcut {
  /** `KeyboardEvent.key`, compared case-insensitively. */
  key: string;
  /** Ctrl on Linux/Windows or ⌘ on macOS. */
  mod?: boolean;
  shift?: boolean;
  run: () => void;
}

/** Install document-level shortcuts; composition events and typing in a field are ignored. */
export function useShortcuts(shortcuts: Shortcut[]): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isComposing(e)) return;
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
      for (const s of shortcuts) {
        const mod = e.ctrlKey || e.metaKey;
        if (e.key.toLowerCase() !== s.key.toLowerCase() || !!s.mod !== mod || !!s.shift !== e.shiftKey) continue;
        // A field keeps its own editing keys (its own undo, Delete, Enter).
        if (typing) continue;
        e.preventDefault();
        s.run();
        return;
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [shortcuts]);
}
