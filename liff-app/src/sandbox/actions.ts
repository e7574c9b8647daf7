/**
 * LINE actions (quick replies, template and Flex buttons) reduced to what the sandbox can do with
 * them: send a text, send a postback, open a web page, or open the mini-app.
 */
export type ChatAction =
  | { kind: 'message'; label: string; text: string }
  | { kind: 'postback'; label: string; data: string; displayText?: string }
  | { kind: 'uri'; label: string; uri: string }
  /**
   * A link into the mini-app, in any form the product sends (https://liff.line.me/<liffId>/path,
   * https://miniapp.line.me/<liffId>/path, or the app's own /liff/path): the sandbox opens its own
   * mini-app there, in the phone frame, as the customer whose chat it is — as LINE would.
   */
  | { kind: 'liff'; label: string; path: string }
  /** Camera, location, date picker, clipboard …: shown, but the sandbox cannot perform them. */
  | { kind: 'unsupported'; label: string; type: string }

const LIFF_URL = /^https:\/\/(?:liff|miniapp)\.line\.me\/[^/?#]+(\/[^?#]*)?(\?[^#]*)?(#.*)?$/
/** Where the sandbox itself may be reached: it only ever listens on loopback. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * The mini-app path (with its query) of a link to the app's own /liff/ pages — the URL the product
 * sends when no LIFF app is configured (its PUBLIC_URL, or this page's origin) — else null.
 */
export function ownMiniAppPath(uri: string): string | null {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  const here = typeof location === 'undefined' ? null : location.origin
  if (url.origin !== here && !LOOPBACK_HOSTS.has(url.hostname)) return null
  const page = /^\/liff(\/.*)?$/.exec(url.pathname)
  return page ? `${page[1] ?? '/'}${url.search}` : null
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** `value` when it is a web address (http or https), for links built from message content. */
export function webUrl(value: unknown): string | undefined {
  return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : undefined
}

/** The action in `raw`, or null when there is none. */
export function readAction(raw: unknown): ChatAction | null {
  if (!isRecord(raw)) return null
  const type = stringOf(raw.type) ?? ''
  const label = stringOf(raw.label) ?? ''
  switch (type) {
    case 'message': {
      const text = stringOf(raw.text)
      return text === undefined ? null : { kind: 'message', label: label || text, text }
    }
    case 'postback': {
      const data = stringOf(raw.data)
      if (data === undefined) return null
      const displayText = stringOf(raw.displayText) ?? stringOf(raw.text)
      return displayText
        ? { kind: 'postback', label, data, displayText }
        : { kind: 'postback', label, data }
    }
    case 'uri': {
      const uri = stringOf(raw.uri) ?? ''
      const liff = LIFF_URL.exec(uri)
      if (liff) return { kind: 'liff', label, path: `${liff[1] ?? '/'}${liff[2] ?? ''}` }
      const own = ownMiniAppPath(uri)
      if (own !== null) return { kind: 'liff', label, path: own }
      // Only web pages: never javascript: or other schemes from message content.
      return webUrl(uri) ? { kind: 'uri', label, uri } : { kind: 'unsupported', label, type }
    }
    default:
      return { kind: 'unsupported', label, type: type || 'unknown' }
  }
}
