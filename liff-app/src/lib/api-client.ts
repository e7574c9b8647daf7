import { readApiError } from './api-error.ts'
import type { Session } from './session.ts'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  signal?: AbortSignal
}

/** Calls the API as the signed-in user: every request carries the LIFF ID token, nothing else. */
export interface Api {
  get<T>(path: string, options?: RequestOptions): Promise<T>
  send<T = void>(method: Method, path: string, body?: unknown, options?: RequestOptions): Promise<T>
}

export function createApi(session: Session): Api {
  const attempt = async (
    method: Method,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<Response> => {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await session.idToken()}`,
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    return fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    })
  }

  const request = async <T>(
    method: Method,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<T> => {
    let response = await attempt(method, path, body, signal)
    if (response.status === 401) {
      const error = await readApiError(response)
      if (error.code !== 'token_expired') throw error
      // LINE's ID tokens live about an hour: log in again for a fresh one, then retry once.
      await session.relogin()
      response = await attempt(method, path, body, signal)
    }
    if (!response.ok) throw await readApiError(response)
    return (response.status === 204 ? undefined : await response.json()) as T
  }

  return {
    get: (path, options) => request('GET', path, undefined, options?.signal),
    send: (method, path, body, options) => request(method, path, body, options?.signal),
  }
}

/** `?a=1&b=x` from the defined, non-empty values; `''` when there are none. */
export function queryString(params: Record<string, string | number | boolean | null | undefined>) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}
