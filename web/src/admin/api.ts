//! The administration routes (users, settings, audit log, support-access grants), typed from `infra/openapi.yaml` (`schema.d.ts`).

import { api } from "../api/client";
import type { components } from "../api/schema";
import type { Grant, GrantInput } from "./grants";
import { auditQuery, type AuditFilter } from "./query";

type Schemas = components["schemas"];
export type UserView = Schemas["UserView"];
export type UserList = Schemas["UserList"];
export type InviteRequest = Schemas["InviteRequest"];
export type AccessRequest = Schemas["AccessRequest"];
export type SettingsView = Schemas["SettingsView"];
export type SettingsInput = Schemas["SettingsInput"];
export type AuditPage = Schemas["AuditPage"];
export type AuditEvent = Schemas["StoredAuditEvent"];
export type ChainVerification = Schemas["ChainVerification"];

/** A per-user action that answers the user as it now is. */
export type UserAction = "disable" | "enable" | "unlock" | "reset-mfa";

const user = (id: string) => `/admin/users/${encodeURIComponent(id)}`;

export const adminApi = {
  users: async () => (await api.get<UserList>("/admin/users")).body.items,
  user: async (id: string) => (await api.get<UserView>(user(id))).body,
  invite: async (body: InviteRequest) => (await api.post<UserView>("/admin/users", body)).body,
  setAccess: async (id: string, body: AccessRequest) => (await api.put<UserView>(`${user(id)}/access`, body)).body,
  act: async (id: string, action: UserAction) => (await api.post<UserView>(`${user(id)}/${action}`, {})).body,
  remove: async (id: string) => void (await api.del<null>(user(id))),
  settings: async () => (await api.get<SettingsView>("/admin/settings")).body,
  saveSettings: async (body: SettingsInput) => (await api.put<SettingsView>("/admin/settings", body)).body,
  audit: async (f: AuditFilter, cursor: string | null, limit: number) => (await api.get<AuditPage>(`/audit${auditQuery(f, { limit, cursor })}`)).body,
  auditCsv: async (f: AuditFilter, encoding: "utf-8" | "shift_jis") => (await api.getBlob(`/audit.csv${auditQuery(f, { encoding })}`, "text/csv")).body,
  verify: async () => (await api.get<ChainVerification>("/audit/verify")).body,
  grants: async () => (await api.get<Schemas["GrantList"]>("/support-grants")).body.items,
  grant: async (body: GrantInput) => (await api.post<Grant>("/support-grants", body)).body,
  revokeGrant: async (id: string) => (await api.del<Grant>(`/support-grants/${encodeURIComponent(id)}`)).body,
};
