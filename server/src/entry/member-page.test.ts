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

describe('the shell', () => {
  const shell = `<html><head></head><body><header class="bar"><span class="skel bar-skel"></span></header><main data-shell="page"><span class="skel skel-on-green skel-title w60 shell-shop"></span></main></body></html>`
  it('has the card title, the back link and the escaped shop name on /card', () => {
    const page = renderMemberPage(shell, new URL('http://x/liff/card'), config)
    expect(page).toContain('<span class="bar-title">会員証</span>')
    expect(page).toContain('class="bar-back"')
    expect(page).toContain('<span class="card-shop">喫茶 &#60;/script&#62;&#60;b&#62;</span>')
  })
  it('has the shop name as home title, and a skeleton title where the page does not know it', () => {
    const home = renderMemberPage(shell, new URL('http://x/liff/'), config)
    expect(home).not.toContain('bar-back')
    expect(home).toContain('<span class="bar-title">喫茶 &#60;/script&#62;&#60;b&#62;</span>')
    const coupons = renderMemberPage(shell, new URL('http://x/liff/coupons'), config)
    expect(coupons).toContain('<span class="skel bar-skel"></span>')
    expect(renderMemberPage(shell, new URL('http://x/liff/card'), null)).toContain('shell-shop')
  })
})
