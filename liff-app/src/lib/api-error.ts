/** One field the server (or the form) rejected: `path` as in the API's `details`, e.g. "birthday". */
export interface FieldIssue {
  path: string
  message: string
}

/**
 * A failed API call: the HTTP status and the `{ error: { code, message, details } }` the server
 * sent. (A request that never got an answer rejects with fetch's own TypeError.)
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
    /** The error object as sent, for codes that carry more (e.g. `addFriendUrl` on `not_friend`). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message)
  }
}

/** The API's error body as an ApiError; a body that is not ours (a proxy's page) keeps the status. */
export async function readApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string; details?: FieldIssue[] }
  } | null
  const error = body?.error ?? {}
  return new ApiError(
    response.status,
    error.code ?? `http_${response.status}`,
    error.message ?? response.statusText,
    error.details ?? [],
    error,
  )
}
