//! The screen an address (`location.hash`) names: the project list (`#/`), a workspace
//! (`#/p/<id>`), an administration tab (`#/admin`, `#/admin/users|settings|audit|support-access`)
//! or the support desk (`#/support`, one inquiry at `#/support/<id>`).

export type AdminTab = "users" | "settings" | "audit" | "support-access";

export type Route =
  | { screen: "projects" }
  | { screen: "workspace"; id: string }
  | { screen: "admin"; tab: AdminTab | null }
  | { screen: "support"; id: string | null };

export function route(hash: string): Route {
  const admin = /^#\/admin(?:\/(users|settings|audit|support-access))?\/?$/.exec(hash);
  if (admin) return { screen: "admin", tab: (admin[1] as AdminTab | undefined) ?? null };
  const support = /^#\/support(?:\/([a-z0-9_-]{1,64}))?\/?$/.exec(hash);
  if (support) return { screen: "support", id: support[1] ?? null };
  const m = /^#\/p\/([a-z0-9_-]+)/.exec(hash);
  return m ? { screen: "workspace", id: m[1] } : { screen: "projects" };
}
