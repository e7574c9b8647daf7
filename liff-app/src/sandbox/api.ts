import type {
  SandboxClock,
  SandboxClockAdvance,
  SandboxCreateUser,
  SandboxDemoOwner,
} from '@joren/shared'
import type { DeliveryResult, ReceivedMessage, SandboxUser, SentEvent } from './types.ts'

/** A failed sandbox call: the HTTP status (0 for a network failure) and a message to show. */
export class SandboxApiError extends Error {
  override name = 'SandboxApiError'

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

async function call<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/sandbox/api${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    })
  } catch (error) {
    if (signal?.aborted) throw error
    throw new SandboxApiError(0, error instanceof Error ? error.message : String(error))
  }
  const data: unknown = await response.json().catch(() => null)
  if (!response.ok) throw new SandboxApiError(response.status, errorMessage(data, response))
  return data as T
}

/** `{ error: { message } }` from Joren, `{ message }` from the stand-in, else the status. */
function errorMessage(data: unknown, response: Response): string {
  if (typeof data === 'object' && data !== null) {
    const record = data as { error?: { message?: unknown }; message?: unknown }
    if (typeof record.error?.message === 'string') return record.error.message
    if (typeof record.message === 'string') return record.message
  }
  return `HTTP ${response.status} ${response.statusText}`.trim()
}

/** Deliveries answer 200 with the product's webhook status inside: a non-2xx there is a failure. */
async function deliver(path: string, body: unknown = {}): Promise<DeliveryResult> {
  const result = await call<DeliveryResult>(path, body)
  if (result.status < 200 || result.status >= 300) {
    throw new SandboxApiError(result.status, `webhook HTTP ${result.status}: ${result.body}`)
  }
  return result
}

const user = (userId: string) => `/users/${encodeURIComponent(userId)}`

export const sandboxApi = {
  users: (signal?: AbortSignal) => call<SandboxUser[]>('/users', undefined, signal),
  createUser: (input: SandboxCreateUser) => call<SandboxUser>('/users', input),
  follow: (userId: string) => deliver(`${user(userId)}/follow`),
  unfollow: (userId: string) => deliver(`${user(userId)}/unfollow`),
  sendText: (userId: string, text: string) => deliver(`${user(userId)}/text`, { text }),
  postback: (userId: string, data: string, displayText?: string) =>
    deliver(`${user(userId)}/postback`, displayText ? { data, displayText } : { data }),
  received: (userId: string, signal?: AbortSignal) =>
    call<ReceivedMessage[]>(`${user(userId)}/messages`, undefined, signal),
  sent: (userId: string, signal?: AbortSignal) =>
    call<SentEvent[]>(`${user(userId)}/sent`, undefined, signal),
  demoOwner: () => call<SandboxDemoOwner>('/demo-owner'),
  clock: () => call<SandboxClock>('/clock'),
  advanceClock: (request: SandboxClockAdvance) => call<SandboxClock>('/clock', request),
  seedDemoShop: () => call<{ members: number; purchases: number }>('/demo-shop', {}),
}
