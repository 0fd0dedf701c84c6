/**
 * Calls to the add-on's REST API. Every URL is relative ("api/…", no leading slash) so it resolves
 * against the page's <base href>, which the server sets to Home Assistant's ingress path prefix.
 */
import type { ApiErrorBody } from "./api-types.js";

export type ApiResult<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly status: number; readonly error: ApiErrorBody };

export type QueryParams = Readonly<Record<string, string | null | undefined>>;

/** "api/data?period=24h&meter=…": relative, parameters without a value left out. */
export function apiUrl(path: string, params: QueryParams = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(name, value);
  }
  const text = query.toString();
  return text === "" ? `api/${path}` : `api/${path}?${text}`;
}

/** The contract's `{"error": {"code", "message"}}`, or a stand-in naming the HTTP status. */
export function errorFromBody(status: number, body: unknown): ApiErrorBody {
  if (typeof body === "object" && body !== null && "error" in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === "object" && error !== null) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (typeof code === "string" && typeof message === "string") return { code, message };
    }
  }
  return { code: `http-${status}`, message: "" };
}

async function request<T>(url: string, init: RequestInit): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    return { ok: false, status: 0, error: { code: "network", message: "" } };
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok)
    return { ok: false, status: response.status, error: errorFromBody(response.status, body) };
  if (body === null)
    return { ok: false, status: response.status, error: { code: "bad-response", message: "" } };
  return { ok: true, data: body as T };
}

export function getJson<T>(
  path: string,
  params: QueryParams = {},
  signal?: AbortSignal,
): Promise<ApiResult<T>> {
  return request<T>(apiUrl(path, params), signal === undefined ? {} : { signal });
}

export function postJson<T>(path: string, body: unknown, params: QueryParams = {}): Promise<ApiResult<T>> {
  return request<T>(apiUrl(path, params), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
