/**
 * The log redaction layer: whatever a caller passes, no secret or personal data reaches a log
 * line. Fields named like secrets (token, secret, authorization, password, assertion, key, cookie,
 * id_token) and personal fields (displayName, name, text, message bodies, phone, email) are
 * replaced; in every other string, JWTs (ID tokens, assertions), LINE user / group / room IDs and
 * every registered secret (the channel secret, the access tokens as they are issued) are cut.
 */
export class Redactor {
  private readonly secrets = new Set<string>()

  /** Registers a value that must never appear in a log (ignored when shorter than 8). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.secrets.add(secret)
  }

  redactString(value: string): string {
    let out = value
    for (const secret of this.secrets)
      if (out.includes(secret)) out = out.split(secret).join('[secret]')
    return out
      .replace(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[jwt]')
      .replace(/\b[UCR][0-9a-f]{32}\b/g, (id) => `${id[0]}…`)
      .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [secret]')
  }

  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactString(value)
    if (value === null || typeof value !== 'object') return value
    if (depth > 6) return '[…]'
    if (value instanceof Error) return this.redactString(`${value.name}: ${value.message}`)
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      if (SECRET_KEY.test(key)) out[key] = '[secret]'
      else if (PERSONAL_KEY.test(key)) out[key] = '[personal]'
      else out[key] = this.redact(v, depth + 1)
    }
    return out
  }
}

const SECRET_KEY =
  /token|secret|authorization|password|assertion|private|cookie|apikey|api_key|signature/i
const PERSONAL_KEY =
  /^(displayName|name|text|pictureUrl|statusMessage|phone|email|birthday|address|body|payload)$/i
