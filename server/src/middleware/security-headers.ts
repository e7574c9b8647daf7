/**
 * Headers of the apps' HTML pages (the member mini-app at /liff/, the staff console at /staff/, and
 * the Node sandbox page), one definition for both runtimes: the Node entry sets them on each page
 * (entry/static-node.ts), the Worker on the pages it serves itself (deep links), and
 * liff-app/public/_headers carries the same values for Workers static assets (a test holds the
 * file to these).
 *
 * The Content-Security-Policy allows what the pages and the LIFF SDK need and no more:
 * - scripts from this origin (Vite's bundles, no inline script) and static.line-scdn.net, where the
 *   LIFF SDK loads its extensions and LINE UI alert; the staff console also needs 'unsafe-eval':
 *   the SDK's sub-window (used by scanCodeV2, the register's QR scanner in LINE) runs its message
 *   handler with eval() in an about:blank frame, which inherits this policy;
 * - styles from this origin and static.line-scdn.net, inline too: the LIFF SDK's LINE UI components
 *   insert their own styles (inline styles cannot run script);
 * - connections to this origin and LINE's LIFF / login / SDK-resource hosts;
 * - images from this origin, data:/blob: URLs (QR codes, fetched customer images) and https (LINE
 *   profile pictures, images staff link in broadcasts and coupons);
 * - frames and form posts only to LINE's sub-window host (the SDK's message bus);
 * - `frame-ancestors 'self'`: no other site may frame the pages (the sandbox page frames both apps
 *   in its phone frame, on the same origin), with X-Frame-Options for older browsers.
 */

export type PageApp = 'liff' | 'staff' | 'sandbox'

const LINE_STATIC = 'https://static.line-scdn.net'
const LINE_SUB_WINDOW = 'https://liff-subwindow.line.me'
const LINE_CONNECT = [
  'https://api.line.me',
  'https://access.line.me',
  'https://liff.line.me',
  'https://liffsdk.line-scdn.net',
]

function policy(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ')
}

const COMMON = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'object-src': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:', 'https:'],
  'font-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'", LINE_STATIC],
  'connect-src': ["'self'", ...LINE_CONNECT],
  'frame-src': [LINE_SUB_WINDOW],
  'form-action': ["'self'", LINE_SUB_WINDOW],
  'frame-ancestors': ["'self'"],
}

export const CONTENT_SECURITY_POLICY: Readonly<Record<PageApp, string>> = {
  liff: policy({ ...COMMON, 'script-src': ["'self'", LINE_STATIC] }),
  staff: policy({ ...COMMON, 'script-src': ["'self'", "'unsafe-eval'", LINE_STATIC] }),
  // The Node sandbox page: no LIFF SDK, and it frames the two apps (same origin).
  sandbox: policy({
    ...COMMON,
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'connect-src': ["'self'"],
    'frame-src': ["'self'"],
    'form-action': ["'self'"],
  }),
}

/** One year; set only when the site is served over HTTPS. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000'

export function pageSecurityHeaders(app: PageApp, https: boolean): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY[app],
    'X-Frame-Options': 'SAMEORIGIN',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    ...(https ? { 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY } : {}),
  }
}
