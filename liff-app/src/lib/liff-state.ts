/**
 * LINE opens `https://liff.line.me/<id>/card` as the endpoint URL plus `?liff.state=%2Fcard`.
 * The path is relative to the endpoint URL (`/liff/`). Only same-app paths are accepted.
 */
export function readLiffState(search = location.search): string | null {
  const state = new URLSearchParams(search).get('liff.state')
  if (!state) return null
  const [path = '', query = ''] = state.split('?')
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('..')) return null
  return query ? `${path}?${query}` : path
}
