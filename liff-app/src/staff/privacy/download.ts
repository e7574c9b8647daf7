import { readApiError } from '../../lib/api-error.ts'
import type { Session } from '../../lib/session.ts'

/** Fetches a staff download with the ID token and saves it under the server's file name. */
export async function downloadFile(
  session: Session,
  path: string,
  fallback: string,
  /** The response header naming the next page's cursor (`?after=`): pages are fetched in turn. */
  nextHeader?: string,
) {
  const parts: Blob[] = []
  let name = fallback
  for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
    const url: string =
      cursor === null ? path : `${path}${path.includes('?') ? '&' : '?'}after=${cursor}`
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await session.idToken()}` },
    })
    if (!response.ok) throw await readApiError(response)
    parts.push(await response.blob())
    if (first)
      name =
        /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
        fallback
    cursor = nextHeader === undefined ? null : response.headers.get(nextHeader)
  }
  const blob = new Blob(parts, { type: parts[0]?.type ?? 'text/csv' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
