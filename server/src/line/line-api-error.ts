/** A LINE API call that answered with an error status; mirrors the SDK's HTTPFetchError. */
export class LineApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly requestId: string | undefined,
    readonly acceptedRequestId: string | undefined,
  ) {
    super(`LINE API ${status}: ${lineErrorMessage(body)}`)
    this.name = 'LineApiError'
  }

  get lineMessage(): string {
    return lineErrorMessage(this.body)
  }
}

export function lineErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown }
    if (typeof parsed.message === 'string') return parsed.message
  } catch {
    // not JSON
  }
  return body.slice(0, 200)
}
