import type { DomainError } from '../domain/errors.ts'

/** The JSON every failed request answers with: `{ error: { code, message, details?, ...extra } }`. */
export interface ErrorReply {
  status: DomainError['status']
  body: { error: Record<string, unknown> & { code: string; message: string } }
}

/** Maps a domain error to its status and body; `onError` and the Node webhook fast path share it. */
export function domainErrorReply(error: DomainError): ErrorReply {
  return {
    status: error.status,
    body: {
      error: {
        ...error.extra,
        code: error.code,
        message: error.message,
        details: error.details,
      },
    },
  }
}

export const INTERNAL_ERROR_BODY = {
  error: { code: 'internal', message: 'something went wrong on our side' },
} as const
