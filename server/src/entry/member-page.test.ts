import { describe, expect, it } from 'vitest'
import { CONFIG_ELEMENT_ID, renderMemberPage } from './member-page.ts'

const HTML = `<html><head><title>会員証</title><link rel="modulepreload" href="/assets/sandbox-session-a.js" data-platform="sandbox">
<link rel="modulepreload" href="/assets/liff-session-b.js" data-platform="liff">
<link rel="modulepreload" href="/assets/card-screen-c.js" data-route="/card">
</head><body><main tabindex="-1" data-shell="page"></main></body></html>`

const config = { liffId: null, sandbox: true, shopName: '喫茶 </script><b>', addFriendUrl: null }

const inlined = (page: string) => {
  const match = new RegExp(
    `<script type="application/json" id="${CONFIG_ELEMENT_ID}">(.*?)</script>`,
  ).exec(page)
  return match ? (JSON.parse(match[1] ?? '') as unknown) : null
}

describe('the member page as served', () => {
  it('inlines the public config as data that cannot close its block', () => {
    const page = renderMemberPage(HTML, new URL('http://x/liff/card'), config)
    expect(inlined(page)).toEqual(config)
    expect(page).not.toContain('</script><b>')
    expect(page.match(/<\/script>/g)).toHaveLength(1)
  })

  it('keeps only the hints for its platform and route, and the card shell on /card', () => {
    const card = renderMemberPage(HTML, new URL('http://x/liff/card/'), config)
    expect(card).toContain('sandbox-session-a.js')
    expect(card).not.toContain('liff-session-b.js')
    expect(card).toContain('card-screen-c.js')
    expect(card).toContain('data-shell="card"')

    const liff = { ...config, sandbox: false, liffId: '1234-abcd' }
    const home = renderMemberPage(HTML, new URL('http://x/liff/'), liff)
    expect(home).toContain('liff-session-b.js')
    expect(home).not.toContain('sandbox-session-a.js')
    expect(home).not.toContain('card-screen-c.js')
    expect(home).toContain('data-shell="page"')

    // A LIFF deep link arrives as /liff/?liff.state=/card.
    const deep = renderMemberPage(HTML, new URL('http://x/liff/?liff.state=%2Fcard%3Fx%3D1'), liff)
    expect(deep).toContain('card-screen-c.js')
    expect(deep).toContain('data-shell="card"')
  })

  it('without a config, inlines nothing and preloads no platform (the app fetches the config)', () => {
    const page = renderMemberPage(HTML, new URL('http://x/liff/coupons'), null)
    expect(inlined(page)).toBeNull()
    expect(page).not.toContain('data-platform')
  })
})
