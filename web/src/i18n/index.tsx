//! The language context: Japanese unless the user switched (remembered in localStorage),
//! with number and date formatting in that language's conventions.

import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { dictionaries, type Dict, type Lang } from "./dict";

interface I18n {
  lang: Lang;
  t: Dict;
  setLang: (l: Lang) => void;
  /** A number with grouping, at most `digits` decimals ("12,345.6"). */
  num: (v: number, digits?: number) => string;
  /** A date and time ("2026/11/30 10:05"). */
  dateTime: (ms: number) => string;
}

const Ctx = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("kyocho.lang") : null;
  return saved === "en" ? "en" : "ja";
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const locale = lang === "ja" ? "ja-JP" : "en-GB";
    const nf = new Map<number, Intl.NumberFormat>();
    const df = new Intl.DateTimeFormat(locale, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    return {
      lang,
      t: dictionaries[lang],
      setLang: (l) => {
        localStorage.setItem("kyocho.lang", l);
        setLangState(l);
      },
      num: (v, digits = 2) => {
        let f = nf.get(digits);
        if (!f) {
          f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
          nf.set(digits, f);
        }
        return f.format(v);
      },
      dateTime: (ms) => df.format(new Date(ms)),
    };
  }, [lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error("useI18n outside I18nProvider");
  return v;
}
