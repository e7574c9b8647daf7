import { readApiError } from '../../lib/api-error.ts'
import type { Session } from '../../lib/session.ts'

/** Fetches a staff download with the ID token and saves it under the server's file name. */
export async function downloadFile(session: Session, path: string, fallback: string) {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${await session.idToken()}` },
  })
  if (!response.ok) throw await readApiError(response)
  const blob = await response.blob()
  const name =
    /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallback
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
