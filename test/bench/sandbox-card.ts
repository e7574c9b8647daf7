/**
 * A sandbox customer who follows the account, and the URL of their member card in the mini-app
 * (the page the mini-app benches load).
 */
export async function sandboxCardUrl(baseUrl: string, displayName: string): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${await res.text()}`)
    return (await res.json()) as { userId: string }
  }
  const { userId } = await post('/sandbox/api/users', { displayName })
  await post(`/sandbox/api/users/${userId}/follow`, {})
  return `${baseUrl}/liff/card?sandboxUser=${userId}`
}
