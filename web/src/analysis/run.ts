//! Running the engine for the workspace: the stateless `POST /analysis` (document in, analysis
//! out) when the server has it, so what-if edits are analysed before they are saved; else the
//! stored project's analysis at the version just saved.

import { ApiError, api } from "../api/client";
import type { Analysis, ProjectDocument } from "../api/types";

let stateless: boolean | undefined;

/** Whether analyses can run on unsaved documents (known after the first attempt). */
export function statelessKnown(): boolean | undefined {
  return stateless;
}

export async function analyseDocument(doc: ProjectDocument): Promise<Analysis | null> {
  if (stateless === false) return null;
  try {
    const r = await api.post<Analysis>("/analysis", doc);
    stateless = true;
    return r.body;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
      stateless = false;
      return null;
    }
    // A document the engine refuses (or any other refusal): the stored analysis still shows.
    if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401) return null;
    throw e;
  }
}

export async function analyseStored(projectId: string, version: number): Promise<Analysis> {
  return (await api.post<Analysis>(`/projects/${encodeURIComponent(projectId)}/analysis`, undefined, { "if-match": `"${version}"` })).body;
}
