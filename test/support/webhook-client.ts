import { createHmac } from 'node:crypto'

/** POSTs a body to /webhook signed with the secret (or with the given signature, or none). */
export function postWebhook(
  url: string,
  body: string,
  auth: { secret: string } | { signature: string } | 'none',
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (auth !== 'none') {
    headers['x-line-signature'] =
      'secret' in auth
        ? createHmac('sha256', auth.secret).update(body).digest('base64')
        : auth.signature
  }
  return fetch(url, { method: 'POST', headers, body })
}
