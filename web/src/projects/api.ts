//! Project requests: list (every page), read, create, replace with If-Match, delete.

import { api } from "../api/client";
import type { Project, ProjectDocument, ProjectList, ProjectListItem } from "../api/types";

export async function listAll(): Promise<ProjectListItem[]> {
  const items: ProjectListItem[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const q: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
    const r = await api.get<ProjectList>(`/projects${q}`);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) break;
  }
  return items;
}

export async function getProject(id: string): Promise<Project> {
  return (await api.get<Project>(`/projects/${encodeURIComponent(id)}`)).body;
}

export async function createProject(doc: ProjectDocument): Promise<Project> {
  return (await api.post<Project>("/projects", doc)).body;
}

export async function replaceProject(id: string, version: number, doc: ProjectDocument): Promise<Project> {
  return (await api.put<Project>(`/projects/${encodeURIComponent(id)}`, doc, { "if-match": `"${version}"` })).body;
}

export async function deleteProject(id: string, version?: number): Promise<void> {
  await api.del(`/projects/${encodeURIComponent(id)}`, version ? { "if-match": `"${version}"` } : undefined);
}
