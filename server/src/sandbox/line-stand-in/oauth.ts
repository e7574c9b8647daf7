// LINE Login endpoints a LIFF back end uses: the JWKS for local ID token verification and
// POST /oauth2/v2.1/verify for server-side verification.
import type { Route } from './http-io.ts'
import { json } from './http-io.ts'
import type { IdTokenIssuer } from './id-tokens.ts'

export const jwksPath = '/oauth2/v2.1/certs'

export function oauthRoutes(idTokens: IdTokenIssuer): Route[] {
  return [
    {
      method: 'GET',
      path: jwksPath,
      body: 'none',
      auth: false,
      handle: () => json(200, idTokens.jwks()),
    },
    {
      method: 'POST',
      path: '/oauth2/v2.1/verify',
      body: 'form',
      auth: false,
      rate: 'oauth-verify',
      handle: (call) => {
        const form = call.body as Record<string, string>
        if (!form.id_token || !form.client_id) {
          return json(400, {
            error: 'invalid_request',
            error_description: 'id_token and client_id are required',
          })
        }
        const result = idTokens.verify(form.id_token, form.client_id, form.nonce)
        return json(result.ok ? 200 : 400, result.body)
      },
    },
  ]
}
