//! The screen an address (`location.hash`) names: the project list (`#/`), a workspace
//! (`#/p/<id>`) or an administration tab (`#/admin`, `#/admin/users|settings|audit`).

export type AdminTab = "users" | "settings" | "audit";

export type Route = { screen: "projects" } | { screen: "workspace"; id: string } | { screen: "admin"; tab: AdminTab | null };

export function route(hash: string): Route {
  const admin = /^#\/admin(?:\/(users|settings|audit))?\/?$/.exec(hash);
  if (admin) return { screen: "admin", tab: (admin[1] as AdminTab | undefined) ?? null };
  const m = /^#\/p\/([a-z0-9_-]+)/.exec(hash);
  return m ? { screen: "workspace", id: m[1] } : { screen: "projects" };
}
