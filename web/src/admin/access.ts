//! Roles and permissions as the users screen offers them: the permissions each role grants
//! (the API's `Role::default_permissions`, which the API does not publish; it refuses a
//! permission outside the role with the field named, so a drift here shows as that
//! refusal), and the body of `PUT /admin/users/{id}/access` for the boxes ticked.

import type { components } from "../api/schema";

export type Role = components["schemas"]["Role"];
export type Permission = components["schemas"]["Permission"];

export const ROLES: readonly Role[] = ["tenant_admin", "designer", "viewer"];

/** Every permission, in the order the screen lists them. */
export const PERMISSIONS: readonly Permission[] = [
  "project_read",
  "project_write",
  "project_delete",
  "project_export",
  "user_manage",
  "settings_manage",
  "audit_read",
];

/** What each role grants when not narrowed. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  tenant_admin: PERMISSIONS,
  designer: ["project_read", "project_write", "project_delete", "project_export"],
  viewer: ["project_read", "project_export"],
};

/** The administration permissions: a user holding any of them sees the administration screen. */
export const ADMIN_PERMISSIONS: readonly Permission[] = ["user_manage", "settings_manage", "audit_read"];

/**
 * The access a role and ticked boxes stand for: `permissions: null` (the role's own) when
 * every permission of the role is ticked, else the ticked ones the role grants, in order.
 */
export function accessBody(role: Role, ticked: ReadonlySet<Permission>): { role: Role; permissions: Permission[] | null } {
  const granted = ROLE_PERMISSIONS[role];
  const kept = granted.filter((p) => ticked.has(p));
  return { role, permissions: kept.length === granted.length ? null : kept };
}
