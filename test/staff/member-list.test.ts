import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, useWorld, TestClock } from '../auth/world.ts'
import { memberNumberOf } from '../loyalty/world-helpers.ts'

const clock = new TestClock()
const world = useWorld(clock)
const DAY = 86_400_000

type Item = {
  memberNumber: string
  displayName: string
  tierName: string | null
  points: number
  lastVisitAt: number | null
  visits: number
  spendYen: number
}
type Page = { items: Item[]; nextCursor: string | null }

/** Four members: three who bought on different days (amounts and counts differ), one who never did. */
async function shop() {
  const owner = await claimOwner(world)
  const names = ['青木', '井上', '上田, "うえだ"', '江藤']
  const numbers: Record<string, string> = {}
  for (const name of names) {
    const m = await world.member(name)
    numbers[name] = memberNumberOf(world, m.userId)
  }
  const buy = async (name: string, amountYen: number) => {
    const res = await world.api('POST', '/api/staff/register/purchases', {
      token: owner.token(),
      body: { memberNumber: numbers[name], amountYen },
    })
    expect(res.status).toBe(201)
  }
  await buy('井上', 3000) // day 0
  clock.advance(DAY)
  await buy('青木', 1000) // day 1
  await buy('青木', 1000)
  clock.advance(DAY)
  await buy('上田, "うえだ"', 20000) // day 2: the latest visit
  return { owner, numbers }
}

/** Every page of the list in this order, following nextCursor with small pages. */
async function walk(token: string, query: string, limit = 1): Promise<string[]> {
  const names: string[] = []
  let cursor: string | null = null
  do {
    const c: string = cursor ? `&cursor=${cursor}` : ''
    const res = await world.api<Page>('GET', `/api/staff/members?${query}&limit=${limit}${c}`, {
      token,
    })
    expect(res.status).toBe(200)
    names.push(...res.body.items.map((i) => i.displayName))
    cursor = res.body.nextCursor
  } while (cursor)
  return names
}

async function download(token: string, query = '') {
  const res = await fetch(`${world.joren.server.url}/api/staff/members/export.csv${query}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
}

describe('member list: columns, server-side order, CSV export', () => {
  it('shows tier, points, last visit, visits and spend from the member summary', async () => {
    const { owner } = await shop()
    const res = await world.api<Page>('GET', '/api/staff/members?sort=lastVisit', {
      token: owner.token(),
    })
    const aoki = res.body.items.find((i) => i.displayName === '青木')
    expect(aoki).toMatchObject({ visits: 2, spendYen: 2000, points: 20, tierName: 'レギュラー' })
    expect(aoki?.lastVisitAt).toBeGreaterThan(0)
    const eto = res.body.items.find((i) => i.displayName === '江藤')
    expect(eto).toMatchObject({ visits: 0, spendYen: 0, points: 0, lastVisitAt: null })
    // The copy of the balance follows every ledger change (trigger on point_balances).
    expect(
      world.joren.rows(
        'select count(*) as n from member_rfm r left join point_balances b on b.member_id = r.member_id where r.points_balance <> coalesce(b.balance, 0)',
      ),
    ).toEqual([{ n: 0 }])
  })

  it('orders by last visit, visits, spend and points both ways, page by page', async () => {
    const { owner } = await shop()
    const t = owner.token()
    expect(await walk(t, 'sort=lastVisit&dir=desc')).toEqual([
      '上田, "うえだ"',
      '青木',
      '井上',
      '江藤',
    ])
    expect(await walk(t, 'sort=lastVisit&dir=asc', 3)).toEqual([
      '江藤',
      '井上',
      '青木',
      '上田, "うえだ"',
    ])
    expect(await walk(t, 'sort=visits&dir=desc', 2)).toEqual([
      '青木',
      '上田, "うえだ"',
      '井上',
      '江藤',
    ])
    expect(await walk(t, 'sort=spend&dir=desc')).toEqual(['上田, "うえだ"', '井上', '青木', '江藤'])
    expect(await walk(t, 'sort=points&dir=asc')).toEqual(['江藤', '青木', '井上', '上田, "うえだ"'])
    // Newest member first stays the default, with the filters still applied.
    expect(await walk(t, 'q=%E4%BA%95')).toEqual(['井上'])
    expect(await walk(t, 'sort=joined')).toEqual(['江藤', '上田, "うえだ"', '井上', '青木'])
  })

  it('orders by tier both ways: keyset pages across ties agree with a full sort', async () => {
    const { owner, numbers } = await shop()
    const t = owner.token()
    // 井上 reaches シルバー (30,000 yen: "n5c" in base 36, once misread as a negative cursor key);
    // 青木 and 上田 stay レギュラー: a tie broken by member ID.
    const res = await world.api('POST', '/api/staff/register/purchases', {
      token: t,
      body: { memberNumber: numbers['井上'], amountYen: 30000 },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const all = await world.api<Page>('GET', '/api/staff/members?limit=100', { token: t })
    const thresholds = { シルバー: 30_000, レギュラー: 0 } as Record<string, number>
    const rank = (i: Item) => (i.tierName === null ? -1 : thresholds[i.tierName]!)
    // Ties are broken by member ID: the order members joined in.
    const joined = (await walk(t, 'sort=joined&dir=desc', 100)).reverse()
    const id = (i: Item) => joined.indexOf(i.displayName)
    const sorted = [...all.body.items].sort((a, b) => rank(a) - rank(b) || id(a) - id(b))
    const ascending = sorted.map((i) => i.displayName)
    expect(all.body.items.find((i) => i.displayName === '井上')?.tierName).toBe('シルバー')
    expect(ascending.at(-1)).toBe('井上')
    for (const limit of [1, 2, 3]) {
      expect(await walk(t, 'sort=tier&dir=asc', limit), `asc by ${limit}`).toEqual(ascending)
      expect(await walk(t, 'sort=tier&dir=desc', limit), `desc by ${limit}`).toEqual(
        [...ascending].reverse(),
      )
    }
    // The summary's copy of the threshold agrees with the member's tier for every member.
    expect(
      world.joren.rows(
        `select count(*) as n from member_rfm r left join member_tiers mt on mt.member_id = r.member_id
         left join tiers t on t.id = mt.tier_id where r.tier_rank <> coalesce(t.min_spend_yen, -1)`,
      ),
    ).toEqual([{ n: 0 }])
  })

  it('seeks each order through its index: no sort of the whole table at any depth', () => {
    const plans = {
      lastVisit: `coalesce(r.last_purchase_at, -1) desc, r.member_id desc`,
      visits: `r.purchase_count desc, r.member_id desc`,
      spend: `r.spend_total_yen asc, r.member_id asc`,
      points: `r.points_balance desc, r.member_id desc`,
      tier: `r.tier_rank asc, r.member_id asc`,
    }
    for (const [key, order] of Object.entries(plans)) {
      const plan = world.joren
        .rows<{ detail: string }>(
          // The repository's statement shape: the summary drives, members joined per row.
          `explain query plan select r.member_id from member_rfm r cross join members m on m.id = r.member_id
           where m.follow_state = 'following' and m.display_name like '%a%' order by ${order} limit 51`,
        )
        .map((r) => r.detail)
        .join(' | ')
      expect(plan, key).not.toContain('TEMP B-TREE')
      expect(plan, key).toContain(`member_rfm_list_`)
    }
  })

  it('refuses a malformed cursor and an unknown order with 400', async () => {
    const { owner } = await shop()
    const bad = await world.api('GET', '/api/staff/members?sort=lastVisit&cursor=zz_', {
      token: owner.token(),
    })
    expect(bad.status).toBe(400)
    const badSort = await world.api('GET', '/api/staff/members?sort=name', {
      token: owner.token(),
    })
    expect(badSort.status).toBe(400)
  })

  it('exports the current filter and order as CSV Excel opens: BOM, CRLF, quoted fields, audited', async () => {
    const { owner, numbers } = await shop()
    const { res, bytes } = await download(owner.token(), '?sort=lastVisit&dir=desc')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="members-\d{8}\.csv"$/,
    )
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3))
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    const lines = text.split('\r\n').slice(0, -1)
    expect(lines[0]).toBe(
      '会員番号,表示名,状態,ランク,ポイント,最終来店,来店回数,累計購入額（円）,友だち追加日,タグ',
    )
    expect(lines).toHaveLength(5)
    expect(lines[1]).toMatch(
      new RegExp(
        `^${numbers['上田, "うえだ"']},"上田, ""うえだ""",友だち,[^,]+,200,\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2},1,20000,`,
      ),
    )
    expect(lines[2]).toMatch(new RegExp(`^${numbers['青木']},青木,友だち,レギュラー,20,.+,2,2000,`))
    expect(lines[4]).toMatch(new RegExp(`^${numbers['江藤']},江藤,友だち,[^,]*,0,,0,0,`))

    // The filter applies: only members whose name contains 井.
    const filtered = await download(owner.token(), `?q=${encodeURIComponent('井')}`)
    const rows = new TextDecoder().decode(filtered.bytes).split('\r\n').filter(Boolean)
    expect(rows).toHaveLength(2)
    expect(rows[1]).toContain('井上')

    expect(
      world.joren.rows<{ action: string; after: string }>(
        "select action, after from audit_log where action = 'member_list.export' order by id",
      ),
    ).toEqual([
      { action: 'member_list.export', after: JSON.stringify({ sort: 'lastVisit', dir: 'desc' }) },
      {
        action: 'member_list.export',
        after: JSON.stringify({ q: '井', sort: 'joined', dir: 'desc' }),
      },
    ])
  })

  it('lets only owners and admins export, and refuses bad input without an audit row', async () => {
    const { owner } = await shop()
    const clerk = await inviteStaff(world, owner, 'staff')
    const admin = await inviteStaff(world, owner, 'admin')
    expect((await download(clerk.token())).res.status).toBe(403)
    expect((await download(admin.token())).res.status).toBe(200)
    expect((await download(owner.token(), '?sort=nope')).res.status).toBe(400)
    expect((await fetch(`${world.joren.server.url}/api/staff/members/export.csv`)).status).toBe(401)
    expect(
      world.joren.rows("select count(*) as n from audit_log where action = 'member_list.export'"),
    ).toEqual([{ n: 1 }])
  })
})
