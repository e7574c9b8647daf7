import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld } from '../auth/world.ts'

const clock = new TestClock()
const world = useWorld(clock)

/** A plain 2500×1686 PNG in the shop's colour (what a browser canvas would hand over). */
function menuPng(width = 2500, height = 1686, rgb: [number, number, number] = [0xc0, 0x39, 0x2b]) {
  const png = new PNG({ width, height })
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = rgb[0]
    png.data[i + 1] = rgb[1]
    png.data[i + 2] = rgb[2]
    png.data[i + 3] = 255
  }
  return PNG.sync.write(png)
}

async function post(token: string, body: Uint8Array, type = 'image/png', query = '') {
  const res = await fetch(`${world.joren.server.url}/api/staff/rich-menu${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: body as Uint8Array<ArrayBuffer>,
  })
  const text = await res.text()
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as {
      richMenuId?: string
      deleted?: number
      error?: { code: string; message: string }
    },
  }
}

const audits = () =>
  world.joren.rows<{ action: string; staff_id: number; after: string }>(
    "select action, staff_id, after from audit_log where action = 'rich_menu.publish' order by id",
  )

describe('POST /api/staff/rich-menu (the console button)', { timeout: 120_000 }, () => {
  it('publishes twice: one Joren menu, the default, the image LINE accepted; audited', async () => {
    const owner = await claimOwner(world)
    world.joren.server.database.sqlite
      .prepare(
        "insert into settings (key, value, updated_at) values ('shop', ?, 0) on conflict(key) do update set value = excluded.value",
      )
      .run(JSON.stringify({ name: 'カフェ常連', categories: [] }))

    const view = await world.api<{
      shopName: string
      colour: string
      tiles: { label: string }[]
      published: unknown
    }>('GET', '/api/staff/rich-menu', { token: owner.token() })
    expect(view.status).toBe(200)
    expect(view.body.shopName).toBe('カフェ常連')
    expect(view.body.colour).toBe('#1f6f5c')
    expect(view.body.published).toBeNull()
    expect(view.body.tiles.map((t) => t.label)).toEqual([
      '会員証',
      'クーポン',
      'ポイント',
      'アンケート',
      '友だち紹介',
      'お問い合わせ',
    ])

    const image = menuPng()
    const first = await post(owner.token(), image, 'image/png', '?colour=%23C0392B')
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    const second = await post(owner.token(), image, 'image/png', '?colour=%23c0392b')
    expect(second.status, JSON.stringify(second.body)).toBe(201)
    expect(second.body.deleted).toBe(1)

    const menus = world.standIn.richMenus()
    expect(menus).toHaveLength(1)
    const live = world.standIn.defaultRichMenu()
    expect(live?.richMenuId).toBe(second.body.richMenuId)
    expect(live?.richMenuId).not.toBe(first.body.richMenuId)
    expect(live?.menu).toMatchObject({
      name: 'Joren カフェ常連',
      size: { width: 2500, height: 1686 },
    })
    expect(live?.image?.contentType).toBe('image/png')
    expect(Buffer.compare(live!.image!.data, image)).toBe(0)

    const rows = audits()
    expect(rows).toHaveLength(2)
    expect(rows.every((r) => r.staff_id === owner.id)).toBe(true)
    expect(JSON.parse(rows[1]!.after)).toMatchObject({
      defaultRichMenuId: second.body.richMenuId,
      colour: '#c0392b',
    })
    const again = await world.api<{ colour: string; published: { richMenuId: string } }>(
      'GET',
      '/api/staff/rich-menu',
      { token: owner.token() },
    )
    expect(again.body.colour).toBe('#c0392b')
    expect(again.body.published.richMenuId).toBe(second.body.richMenuId)
  })

  it('refuses a non-PNG, a wrong size and an oversized body with a 4xx in Japanese, changing nothing', async () => {
    const owner = await claimOwner(world)
    const ok = await post(owner.token(), menuPng())
    expect(ok.status).toBe(201)
    const live = world.standIn.defaultRichMenu()?.richMenuId
    const before = world.standIn.requests().length

    const jpegLike = await post(
      owner.token(),
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
      'image/jpeg',
    )
    expect(jpegLike.status).toBe(415)
    expect(jpegLike.body.error?.message).toMatch(/PNG/)
    const notPng = await post(owner.token(), new TextEncoder().encode('x'.repeat(100)))
    expect(notPng.status).toBe(400)
    expect(notPng.body.error?.message).toMatch(/PNG か JPEG/)
    const small = await post(owner.token(), menuPng(1200, 810))
    expect(small.status).toBe(400)
    expect(small.body.error?.message).toMatch(/2500×1686/)
    const huge = new Uint8Array(1024 * 1024 + 1)
    huge.set(menuPng().subarray(0, 24))
    const tooLarge = await post(owner.token(), huge)
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body.error?.message).toMatch(/大きすぎます/)
    const badColour = await post(owner.token(), menuPng(), 'image/png', '?colour=red')
    expect(badColour.status).toBe(400)

    // nothing reached LINE, nothing changed, nothing more audited
    expect(world.standIn.requests().length).toBe(before)
    expect(world.standIn.richMenus()).toHaveLength(1)
    expect(world.standIn.defaultRichMenu()?.richMenuId).toBe(live)
    expect(audits()).toHaveLength(1)
  })

  it('shows LINE refusing in Japanese and keeps the live menu', async () => {
    const owner = await claimOwner(world)
    const ok = await post(owner.token(), menuPng())
    expect(ok.status, JSON.stringify(ok.body)).toBe(201)
    const live = world.standIn.defaultRichMenu()?.richMenuId
    world.standIn.inject({ kind: 'status', status: 500, path: /\/content$/, count: 1 })
    const failed = await post(owner.token(), menuPng())
    expect(failed.status).toBe(503)
    expect(failed.body.error?.code).toBe('rich_menu_line_refused')
    expect(failed.body.error?.message).toMatch(/^LINE がリッチメニューを受け付けませんでした/)
    expect(world.standIn.defaultRichMenu()?.richMenuId).toBe(live)
    expect(world.standIn.richMenus()).toHaveLength(1)
    expect(audits()).toHaveLength(1)
  })

  it('is for owner and admin only: staff get 403 and nothing reaches LINE', async () => {
    const owner = await claimOwner(world)
    const admin = await inviteStaff(world, owner, 'admin')
    const staff = await inviteStaff(world, owner, 'staff')
    const before = world.standIn.requests().length
    const refused = await post(staff.token(), menuPng())
    expect(refused.status).toBe(403)
    expect((await world.api('GET', '/api/staff/rich-menu', { token: staff.token() })).status).toBe(
      403,
    )
    const member = await world.member()
    expect((await post(member.token(), menuPng())).status).toBe(403)
    expect(world.standIn.richMenus()).toHaveLength(0)
    const created = world.standIn
      .requests()
      .slice(before)
      .filter((r) => r.path.startsWith('/v2/bot/richmenu'))
    expect(created, JSON.stringify(created)).toHaveLength(0)
    expect((await post(admin.token(), menuPng())).status).toBe(201)
    expect(world.standIn.richMenus()).toHaveLength(1)
    expect(audits()).toHaveLength(1)
  })
})
