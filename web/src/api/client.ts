//! One fetch wrapper for the API: the bearer token, JSON in and out, and every non-2xx
//! answer turned into an [`ApiError`] carrying the problem details, so screens branch on the
//! stable `code` and put `errors[].pointer` on the field it names.

import type { Problem } from "./types";

/** A refused request with its problem details (status 0: the network failed). */
export class ApiError extends Error {
  constructor(public readonly problem: Problem) {
    super(problem.detail || problem.code);
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
}

type TokenSource = () => Promise<string | null>;
let tokenSource: TokenSource = async () => null;
let onUnauthorized: () => void = () => {};

/** Where requests get their bearer token, and what happens when the API says 401. */
export function configureAuth(source: TokenSource, unauthorized: () => void): void {
  tokenSource = source;
  onUnauthorized = unauthorized;
}

export interface Answer<T> {
  body: T;
  status: number;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  anonymous?: boolean;
  /** Cancels the request; the promise then rejects with the signal's `AbortError`. */
  signal?: AbortSignal;
  /** `text`: the answer's body as it came (an SVG drawing), not parsed as JSON; `blob`: its bytes (a file). */
  as?: "json" | "text" | "blob";
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (!opts.anonymous) {
    const token = await tokenSource();
    if (token) headers.authorization = `Bearer ${token}`;
  }
  let resp: Response;
  try {
    resp = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new ApiError({ status: 0, code: "network_error", detail: "network error" });
  }
  if (resp.ok && opts.as === "blob") return { body: (await resp.blob()) as T, status: resp.status, headers: resp.headers };
  const text = await resp.text();
  if (resp.ok && opts.as === "text") return { body: text as T, status: resp.status, headers: resp.headers };
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!resp.ok) {
    const p = (parsed ?? {}) as Partial<Problem> & { message?: string };
    const problem: Problem = {
      status: resp.status,
      code: p.code ?? (resp.status === 401 ? "unauthorized" : `http_${resp.status}`),
      detail: p.detail ?? p.message ?? resp.statusText,
      errors: p.errors,
      current_version: p.current_version,
      request_id: p.request_id,
    };
    if (resp.status === 401 && !opts.anonymous) onUnauthorized();
    throw new ApiError(problem);
  }
  return { body: parsed as T, status: resp.status, headers: resp.headers };
}

export const api = {
  get: <T>(path: string, headers?: Record<string, string>) => request<T>("GET", path, { headers }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>("POST", path, { body, headers }),
  put: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>("PUT", path, { body, headers }),
  del: <T>(path: string, headers?: Record<string, string>) => request<T>("DELETE", path, { headers }),
  anonymous: <T>(path: string, body: unknown) => request<T>("POST", path, { body, anonymous: true }),
  /** GET without a token (the public status). */
  anonymousGet: <T>(path: string) => request<T>("GET", path, { anonymous: true }),
  /** GET a file's bytes (`accept` names the wanted type). */
  getBlob: (path: string, accept: string) => request<Blob>("GET", path, { headers: { accept: `${accept}, application/problem+json` }, as: "blob" }),
  /** POST a JSON body and read the answer as text (`accept` names the wanted type). */
  postForText: (path: string, body: unknown, accept: string, signal?: AbortSignal) =>
    request<string>("POST", path, { body, headers: { accept: `${accept}, application/problem+json` }, signal, as: "text" }),
};
