/**
 * A replayed purchase answer: the first response's status and body exactly as stored, marked
 * `idempotent-replayed` (POST /api/v1/purchases and the register's resend).
 */
export function replayedResponse(reply: { status: number; text: string }): Response {
  return new Response(reply.text, {
    status: reply.status,
    headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
  })
}
