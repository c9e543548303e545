//! The account dialog: who is signed in, the second factor in use, and authenticator-app
//! set-up with a QR code of the `otpauth://` URI the API returns.

import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { Me } from "../api/types";
import { useI18n } from "../i18n";
import { Dialog } from "../lib/Dialog";
import { describeError } from "../lib/errors";
import { normalise } from "../lib/nfkc";
import { Field } from "./SignIn";
import { Qr } from "./Qr";

type Method = "email" | "sms" | "totp" | "none";

export function Account({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [setup, setSetup] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [code, setCode] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [phone, setPhone] = useState("");
  const [phoneCode, setPhoneCode] = useState("");
  const [phoneSentTo, setPhoneSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => api.get<Me>("/me").then((r) => setMe(r.body), (e) => setError(describeError(e, t)));
  useEffect(() => void reload(), []); // eslint-disable-line react-hooks/exhaustive-deps

  const choose = async (method: Method) => {
    setError(null);
    try {
      await api.put("/auth/mfa/preference", { method, current_password: password });
      setMessage(t.mfaSaved);
      await reload();
    } catch (e) {
      setError(describeError(e, t));
    }
  };
  const start = async () => {
    setError(null);
    try {
      setSetup((await api.post<{ secret: string; otpauth_uri: string }>("/auth/mfa/totp/setup", { current_password: password })).body);
    } catch (e) {
      setError(describeError(e, t));
    }
  };
  const verify = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.post("/auth/mfa/totp/verify", { code: normalise(code) });
      setSetup(null);
      setMessage(t.mfaSetupDone);
      await reload();
    } catch (err) {
      setError(describeError(err, t));
    }
  };
  const sendPhoneCode = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const number = normalise(phone).replace(/[\s-]/g, "");
    try {
      await api.post("/auth/mfa/phone", { phone_number: number, current_password: password });
      setPhoneSentTo(number);
      setMessage(t.phoneSent(number));
    } catch (err) {
      setError(describeError(err, t));
    }
  };
  const confirmPhone = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post("/auth/mfa/phone/confirm", { code: normalise(phoneCode) });
      setPhoneSentTo(null);
      setPhoneCode("");
      setMessage(t.phoneConfirmed);
      await reload();
    } catch (err) {
      setError(describeError(err, t));
    }
  };
  const methodLabel = (m: string | null | undefined) => t[`mfa_${(m ?? "none") as Method}`] ?? m;

  return (
    <Dialog title={t.account} onClose={onClose} testId="account">
      {me && (
        <p>
          {`${me.user.email} · ${me.company.name} (${me.company.id}) · ${t[`role_${me.role}` as keyof typeof t] ?? me.role}`}
        </p>
      )}
      <h3>{t.mfaTitle}</h3>
      {me && <p>{t.mfaCurrent(methodLabel(me.mfa?.preferred))}</p>}
      <p className="small">{t.reauthLead}</p>
      <Field id="reauth-password" label={t.reauthPassword} value={password} onChange={setPassword} type="password" autoComplete="current-password" />
      <div className="buttons left">
        {(["email", "sms", "totp", "none"] as const).map((m) => (
          <button
            key={m}
            onClick={() => void choose(m)}
            disabled={!password || (m === "totp" && !me?.mfa?.totp_configured) || (m === "sms" && !me?.mfa?.phone_verified)}
          >
            {`${methodLabel(m)}: ${t.mfaUse}`}
          </button>
        ))}
      </div>
      {!setup && (
        <button onClick={() => void start()} disabled={!password}>
          {t.mfaSetupStart}
        </button>
      )}
      {setup && (
        <form onSubmit={verify}>
          <p>{t.mfaSetupLead}</p>
          <Qr text={setup.otpauth_uri} label={t.qrAlt} />
          <p className="small">
            {t.mfaSecret}: <code>{setup.secret}</code>
          </p>
          <Field id="totp-code" label={t.code} value={code} onChange={setCode} inputMode="numeric" autoComplete="one-time-code" />
          <button type="submit" className="primary" disabled={!code}>{t.verify}</button>
        </form>
      )}
      <h3>{t.phoneTitle}</h3>
      {me?.mfa?.phone_number && <p>{t.phoneCurrent(me.mfa.phone_number, me.mfa.phone_verified)}</p>}
      {!phoneSentTo ? (
        <form onSubmit={sendPhoneCode}>
          <Field id="phone-number" label={t.phoneNumber} value={phone} onChange={setPhone} inputMode="tel" autoComplete="tel" />
          <button type="submit" disabled={!phone || !password}>{t.phoneSend}</button>
        </form>
      ) : (
        <form onSubmit={confirmPhone}>
          <Field id="phone-code" label={t.code} value={phoneCode} onChange={setPhoneCode} inputMode="numeric" autoComplete="one-time-code" />
          <button type="submit" className="primary" disabled={!phoneCode}>{t.phoneConfirm}</button>
        </form>
      )}
      {message && <p className="info" role="status">{message}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <div className="buttons">
        <button onClick={onClose}>{t.close}</button>
      </div>
    </Dialog>
  );
}
