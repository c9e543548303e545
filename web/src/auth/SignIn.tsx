//! The sign-in screen: company id, e-mail and password, then whatever the API asks next
//! (new password with the policy checked as the user types, an e-mail/SMS/authenticator
//! code), the forgotten-password flow, and refusals (lockout, IP allow-list) in plain words.
//! Beside it, the service's status and planned maintenance (public, no token needed).

import { useState, type FormEvent } from "react";
import { ApiError, api } from "../api/client";
import type { AuthStep, ChallengeKind } from "../api/types";
import { ServiceStatusPanel } from "../desk/Announcements";
import { useI18n } from "../i18n";
import { describeError, fieldErrors } from "../lib/errors";
import { normalise } from "../lib/nfkc";
import { policyMet, policyRules } from "./policy";
import { store } from "./session";

type Stage =
  | { kind: "credentials" }
  | { kind: "challenge"; challenge: ChallengeKind; session: string; destination?: string | null }
  | { kind: "forgot" }
  | { kind: "reset" };

export function SignIn({ notice }: { notice?: string }) {
  const { t, lang } = useI18n();
  const [stage, setStage] = useState<Stage>({ kind: "credentials" });
  const [tenant, setTenant] = useState(() => localStorage.getItem("kyocho.tenant") ?? "");
  const [email, setEmail] = useState(() => localStorage.getItem("kyocho.email") ?? "");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Map<string, string>>(new Map());
  const [info, setInfo] = useState<string | null>(notice ?? null);

  const step = (s: AuthStep) => {
    if (s.status === "signed_in") {
      localStorage.setItem("kyocho.tenant", tenant);
      localStorage.setItem("kyocho.email", email);
      store(s.tokens);
    } else {
      setCode("");
      setNewPassword("");
      setStage({ kind: "challenge", challenge: s.challenge, session: s.session, destination: s.destination });
    }
  };

  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setFields(new Map());
    try {
      await f();
    } catch (e) {
      setError(describeError(e, t));
      setFields(fieldErrors(e, lang));
      if (e instanceof ApiError && (e.code === "challenge_expired" || e.code === "expired")) setStage({ kind: "credentials" });
    } finally {
      setBusy(false);
    }
  };

  const signIn = (e: FormEvent) => {
    e.preventDefault();
    setInfo(null);
    void run(async () => {
      const r = await api.anonymous<AuthStep>("/auth/sign-in", { tenant: normalise(tenant), email: normalise(email), password });
      step(r.body);
    });
  };

  const answer = (e: FormEvent) => {
    e.preventDefault();
    if (stage.kind !== "challenge") return;
    void run(async () => {
      const body: Record<string, string> = { tenant: normalise(tenant), email: normalise(email), challenge: stage.challenge, session: stage.session };
      if (stage.challenge === "NEW_PASSWORD_REQUIRED") body.new_password = newPassword;
      else body.code = normalise(code).replace(/\s/g, "");
      const r = await api.anonymous<AuthStep>("/auth/challenge", body);
      step(r.body);
    });
  };

  const forgot = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.anonymous("/auth/password/forgot", { tenant: normalise(tenant), email: normalise(email) });
      setInfo(t.codeSentIfExists);
      setStage({ kind: "reset" });
    });
  };

  const reset = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.anonymous("/auth/password/reset", {
        tenant: normalise(tenant),
        email: normalise(email),
        code: normalise(code).replace(/\s/g, ""),
        new_password: newPassword,
      });
      setInfo(t.passwordResetDone);
      setPassword("");
      setStage({ kind: "credentials" });
    });
  };

  const companyAndEmail = (
    <>
      <Field id="tenant" label={t.companyId} value={tenant} onChange={setTenant} autoComplete="organization" error={fields.get("/tenant")} />
      <Field id="email" label={t.email} value={email} onChange={setEmail} type="email" autoComplete="username" error={fields.get("/email")} />
    </>
  );

  const policy = (
    <ul className="policy" aria-live="polite" data-testid="password-policy">
      {policyRules(newPassword).map((r) => (
        <li key={r.key} className={r.met ? "met" : "unmet"}>
          <span aria-hidden="true">{r.met ? "✓" : "・"}</span> {t[r.key]}
          <span className="sr-only"> — {r.met ? t.policyMet : t.policyNotMet}</span>
        </li>
      ))}
    </ul>
  );

  let body;
  if (stage.kind === "credentials") {
    body = (
      <form onSubmit={signIn} aria-labelledby="signin-title">
        <h1 id="signin-title">{t.signInTitle}</h1>
        {companyAndEmail}
        <Field id="password" label={t.password} value={password} onChange={setPassword} type="password" autoComplete="current-password" error={fields.get("/password")} />
        <button type="submit" className="primary" disabled={busy || !tenant || !email || !password}>
          {busy ? t.signingIn : t.signIn}
        </button>
        <button type="button" className="link" onClick={() => { setError(null); setStage({ kind: "forgot" }); }}>
          {t.forgotPassword}
        </button>
      </form>
    );
  } else if (stage.kind === "challenge" && stage.challenge === "NEW_PASSWORD_REQUIRED") {
    body = (
      <form onSubmit={answer} aria-labelledby="np-title">
        <h1 id="np-title">{t.newPasswordTitle}</h1>
        <p>{t.newPasswordLead}</p>
        <Field id="new-password" label={t.newPassword} value={newPassword} onChange={setNewPassword} type="password" autoComplete="new-password" error={fields.get("/new_password")} />
        {policy}
        <button type="submit" className="primary" disabled={busy || !policyMet(newPassword)}>
          {t.setPassword}
        </button>
      </form>
    );
  } else if (stage.kind === "challenge") {
    const title = stage.challenge === "EMAIL_OTP" ? t.codeTitleEmail : stage.challenge === "SMS_MFA" ? t.codeTitleSms : t.codeTitleTotp;
    body = (
      <form onSubmit={answer} aria-labelledby="code-title">
        <h1 id="code-title">{title}</h1>
        {stage.destination && <p>{t.codeSentTo(stage.destination)}</p>}
        <Field id="code" label={t.code} value={code} onChange={setCode} inputMode="numeric" autoComplete="one-time-code" error={fields.get("/code")} />
        <button type="submit" className="primary" disabled={busy || !code}>
          {t.verify}
        </button>
        <button type="button" className="link" onClick={() => setStage({ kind: "credentials" })}>
          {t.backToSignIn}
        </button>
      </form>
    );
  } else if (stage.kind === "forgot") {
    body = (
      <form onSubmit={forgot} aria-labelledby="forgot-title">
        <h1 id="forgot-title">{t.forgotTitle}</h1>
        <p>{t.forgotLead}</p>
        {companyAndEmail}
        <button type="submit" className="primary" disabled={busy || !tenant || !email}>
          {t.sendCode}
        </button>
        <button type="button" className="link" onClick={() => setStage({ kind: "credentials" })}>
          {t.backToSignIn}
        </button>
      </form>
    );
  } else {
    body = (
      <form onSubmit={reset} aria-labelledby="reset-title">
        <h1 id="reset-title">{t.resetPassword}</h1>
        <Field id="code" label={t.code} value={code} onChange={setCode} inputMode="numeric" autoComplete="one-time-code" error={fields.get("/code")} />
        <Field id="new-password" label={t.newPassword} value={newPassword} onChange={setNewPassword} type="password" autoComplete="new-password" error={fields.get("/new_password")} />
        {policy}
        <button type="submit" className="primary" disabled={busy || !code || !policyMet(newPassword)}>
          {t.resetPassword}
        </button>
        <button type="button" className="link" onClick={() => setStage({ kind: "credentials" })}>
          {t.backToSignIn}
        </button>
      </form>
    );
  }

  return (
    <main className="signin">
      <div className="card">
        <p className="brand">{t.appName}</p>
        {info && <p className="info" role="status">{info}</p>}
        {error && <p className="error" role="alert" data-testid="signin-error">{error}</p>}
        {body}
      </div>
      <ServiceStatusPanel />
    </main>
  );
}

export function Field(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  autoComplete?: string;
  inputMode?: "numeric" | "decimal" | "text" | "tel";
  error?: string;
}) {
  const errId = `${props.id}-error`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        value={props.value}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && <p id={errId} className="field-error">{props.error}</p>}
    </div>
  );
}
