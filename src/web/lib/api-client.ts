/** Every failure the web app shows: the API's `{"error":{code,message,details}}`, or the network. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field name (e.g. `client_id`) → what is wrong with it, from a 400's `details.fields`. */
    readonly fields: Record<string, string> = {},
    readonly details?: unknown,
    /** From a 429's Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type ErrorBody = { error?: { code?: string; message?: string; details?: unknown } };

export type Query = Record<string, string | number | boolean | null | undefined>;

/** Same-origin JSON fetch: the session cookie goes along, and the browser's Origin satisfies the CSRF check. */
export async function api<T>(
  path: string,
  // `keepalive`: the request goes on if the page is closed meanwhile (a delete sent as the page is left).
  options: { method?: string; body?: unknown; query?: Query; contentType?: string; keepalive?: boolean } = {},
): Promise<T> {
  const { method = 'GET', body, query, contentType, keepalive } = options;
  let response: Response;
  try {
    // A FormData body goes as multipart (the browser sets its boundary); a file (Blob) as itself, typed
    // by `contentType`; anything else as JSON.
    const isForm = body instanceof FormData;
    const isFile = body instanceof Blob;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (isFile) headers['content-type'] = contentType ?? (body.type || 'application/octet-stream');
    else if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
    response = await fetch(withQuery(path, query), {
      method,
      credentials: 'same-origin',
      keepalive,
      headers,
      body: body === undefined ? undefined : isForm || isFile ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network.unreachable', 'The server could not be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toApiError(response, payload as ErrorBody | undefined);
  return payload as T;
}

function withQuery(path: string, query: Query | undefined) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function toApiError(response: Response, body: ErrorBody | undefined): ApiError {
  const error = body?.error;
  const message = error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
  const retryAfter = Number(response.headers.get('retry-after')) || undefined;
  const code = error?.code ?? `http.${response.status}`;
  return new ApiError(response.status, code, message, fieldErrors(error?.details), error?.details, retryAfter);
}

/** `{fields: [{path: 'body.client_id', message}]}` → `{client_id: message}`. */
function fieldErrors(details: unknown): Record<string, string> {
  const fields = (details as { fields?: Array<{ path?: string; message?: string }> } | undefined)?.fields;
  if (!Array.isArray(fields)) return {};
  const result: Record<string, string> = {};
  for (const field of fields) {
    const name = field.path?.replace(/^(body|querystring|params)\./, '').split('.')[0];
    if (name && !result[name]) result[name] = humanise(field.message ?? 'Invalid value');
  }
  return result;
}

/** zod's wording is for developers; say the common cases the way a person would. */
function humanise(message: string): string {
  if (/expected string to have >=1 characters/.test(message)) return 'Required';
  const min = /expected string to have >=(\d+) characters/.exec(message);
  if (min) return `Use at least ${min[1]} characters`;
  const max = /expected string to have <=(\d+) characters/.exec(message);
  if (max) return `Use at most ${max[1]} characters`;
  return message;
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong. Please try again.');
