/** Where chat messages link into the mini-app. */
export interface AppLinks {
  liffId: string | null
  publicUrl: string
  timeZone: string
}

/** A mini-app page: the LIFF URL when a LIFF app is configured, the served path otherwise. */
export function liffUrl(links: AppLinks, path: string): string {
  return links.liffId
    ? `https://liff.line.me/${links.liffId}/${path}`
    : `${links.publicUrl.replace(/\/+$/, '')}/liff/${path}`
}

/** Links for tools and tests that run without configuration (no LIFF app, localhost). */
export const DEFAULT_LINKS: AppLinks = {
  liffId: null,
  publicUrl: 'http://localhost:8787',
  timeZone: 'Asia/Tokyo',
}
