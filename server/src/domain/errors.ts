/** A failure a user or caller can cause; carries the HTTP status and a message a person can act on. */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
    /** Extra fields clients act on, added to the error object (e.g. `addFriendUrl`). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class InvalidSignature extends DomainError {
  constructor(message = 'x-line-signature is missing or does not match the request body') {
    super(401, 'invalid_signature', message)
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(limit: number) {
    super(
      413,
      'payload_too_large',
      `リクエストの本文が大きすぎます（上限 ${limit.toLocaleString('en-US')} バイト）。`,
      undefined,
      { limitBytes: limit },
    )
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor() {
    super(
      415,
      'unsupported_media_type',
      'リクエストの本文は JSON で送ってください（Content-Type: application/json）。',
    )
  }
}

export class InvalidRequest extends DomainError {
  constructor(message: string, details?: { path: string; message: string }[]) {
    super(400, 'invalid_request', message, details)
  }
}
