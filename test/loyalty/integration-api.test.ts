import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, useWorld, TestClock } from '../auth/world.ts'
import { memberNumberOf } from './world-helpers.ts'

const clock = new TestClock()
const world = useWorld(clock)

async function rawResponse(
  path: string,
  init: { key?: string; idem?: string; body: string; contentType?: string | null },
) {
  const headers: Record<string, string> = {}
  const contentType = init.contentType === undefined ? 'application/json' : init.contentType
  if (contentType !== null) headers['content-type'] = contentType
  if (init.key) headers.authorization = `Bearer ${init.key}`
  if (init.idem) headers['idempotency-key'] = init.idem
  const res = await fetch(`${world.joren.server.url}${path}`, {
    method: 'POST',
    headers,
    body: init.body,
  })
  return {
    status: res.status,
    text: await res.text(),
    contentType: res.headers.get('content-type'),
    replayed: res.headers.get('idempotent-replayed'),
  }
}

async function raw(path: string, init: { key?: string; idem?: string; body: string }) {
  const { status, text } = await rawResponse(path, init)
  return { status, text }
}

async function setup() {
  const owner = await claimOwner(world)
  const member = await world.member('太郎')
  const memberNumber = memberNumberOf(world, member.userId)
  const created = await world.api<{ key: string; apiKey: { id: number; prefix: string } }>(
    'POST',
    '/api/staff/api-keys',
    { token: owner.token(), body: { name: 'POS', scopes: ['purchases:write'] } },
  )
  expect(created.status).toBe(201)
  expect(created.body.key).toMatch(/^jk_/)
  expect(created.body.key.startsWith(created.body.apiKey.prefix)).toBe(true)
  return { owner, member, memberNumber, key: created.body.key, keyId: created.body.apiKey.id }
}

const written = () => ({
  purchases: world.count('purchases'),
  ledger: world.count('point_ledger'),
  idempotency: world.count('idempotency_keys'),
})

describe('integration API: POST /api/v1/purchases', () => {
  it('replays the first response for the same key and body; another body is a 409', async () => {
    const { key, memberNumber } = await setup()
    const body = JSON.stringify({
      memberNumber,
      amountYen: 5400,
      externalId: 'pos-1',
      store: '本店',
    })
    const firstResponse = await rawResponse('/api/v1/purchases', { key, idem: 'k-1', body })
    expect(firstResponse.replayed).toBeNull()
    const first = { status: firstResponse.status, text: firstResponse.text }
    expect(first.status).toBe(201)
    expect(JSON.parse(first.text)).toMatchObject({
      purchase: { pointsGranted: 54, source: 'api' },
      balance: 54,
    })
    const again = await rawResponse('/api/v1/purchases', { key, idem: 'k-1', body })
    expect({ status: again.status, text: again.text }).toEqual(first)
    // The replay is marked; the body is the stored first answer, byte for byte.
    expect(again.replayed).toBe('true')
    expect(again.contentType).toMatch(/^application\/json/)
    const other = await raw('/api/v1/purchases', {
      key,
      idem: 'k-1',
      body: JSON.stringify({ memberNumber, amountYen: 5401 }),
    })
    expect(other.status).toBe(409)
    expect(JSON.parse(other.text).error.code).toBe('idempotency_key_reused')
    expect(written()).toEqual({ purchases: 1, ledger: 1, idempotency: 1 })
    // A POS that sends its JSON without a JSON Content-Type is answered the same way.
    const plain = await rawResponse('/api/v1/purchases', {
      key,
      idem: 'k-2',
      body: JSON.stringify({ memberNumber, amountYen: 100 }),
      contentType: null,
    })
    expect(plain).toMatchObject({ status: 201, replayed: null })
    expect(written()).toEqual({ purchases: 2, ledger: 2, idempotency: 2 })
    // The key's hash is stored, never the key.
    expect(world.joren.rows('select key_hash as h from api_keys')[0]).not.toEqual({ h: key })
  })

  it('refuses bad input, unknown members and bad, revoked or wrong-scope keys, writing nothing', async () => {
    const { key, keyId, memberNumber, owner } = await setup()
    const ok = JSON.stringify({ memberNumber, amountYen: 100 })
    const cases: [string, Awaited<ReturnType<typeof raw>>, number, string][] = [
      [
        'no idempotency key',
        await raw('/api/v1/purchases', { key, body: ok }),
        400,
        'idempotency_key_required',
      ],
      [
        'zero amount',
        await raw('/api/v1/purchases', {
          key,
          idem: 'a',
          body: JSON.stringify({ memberNumber, amountYen: 0 }),
        }),
        400,
        'invalid_request',
      ],
      [
        'fractional amount',
        await raw('/api/v1/purchases', {
          key,
          idem: 'b',
          body: JSON.stringify({ memberNumber, amountYen: 10.5 }),
        }),
        400,
        'invalid_request',
      ],
      [
        'too large',
        await raw('/api/v1/purchases', {
          key,
          idem: 'c',
          body: JSON.stringify({ memberNumber, amountYen: 10_000_001 }),
        }),
        400,
        'invalid_request',
      ],
      [
        'unknown member',
        await raw('/api/v1/purchases', {
          key,
          idem: 'd',
          body: JSON.stringify({ memberNumber: '9999999999', amountYen: 100 }),
        }),
        404,
        'member_not_found',
      ],
      ['no key', await raw('/api/v1/purchases', { idem: 'e', body: ok }), 401, 'invalid_api_key'],
      [
        'bad key',
        await raw('/api/v1/purchases', { key: `jk_${'x'.repeat(43)}`, idem: 'f', body: ok }),
        401,
        'invalid_api_key',
      ],
    ]
    const scoped = world.joren.rows<{ id: number }>(
      "insert into api_keys (name, prefix, key_hash, scopes, created_by, created_at) values ('RO', 'jk_ro', ?, 'purchases:read', 1, 1) returning id",
      await sha256Hex(`jk_${'r'.repeat(43)}`),
    )
    expect(scoped).toHaveLength(1)
    cases.push([
      'wrong scope',
      await raw('/api/v1/purchases', { key: `jk_${'r'.repeat(43)}`, idem: 'g', body: ok }),
      403,
      'insufficient_scope',
    ])
    const revoked = await world.api('DELETE', `/api/staff/api-keys/${keyId}`, {
      token: owner.token(),
    })
    expect(revoked.status).toBe(200)
    cases.push([
      'revoked',
      await raw('/api/v1/purchases', { key, idem: 'h', body: ok }),
      401,
      'api_key_revoked',
    ])
    for (const [name, res, status, code] of cases) {
      expect({ name, status: res.status, code: JSON.parse(res.text).error?.code }).toEqual({
        name,
        status,
        code,
      })
    }
    expect(written()).toEqual({ purchases: 0, ledger: 0, idempotency: 0 })
  })

  it('only owners and admins manage keys', async () => {
    const { owner } = await setup()
    const clerk = await inviteStaff(world, owner, 'staff')
    const res = await world.api('POST', '/api/staff/api-keys', {
      token: clerk.token(),
      body: { name: 'x', scopes: ['purchases:write'] },
    })
    expect(res.status).toBe(403)
  })
})

async function sha256Hex(text: string) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Buffer.from(digest).toString('hex')
}

/** A shop-local (Tokyo) date `days` before now, as the CSV's purchased_at (YYYY-MM-DD HH:mm). */
function daysAgo(days: number, time = '12:00'): string {
  const date = new Date(clock.now() - days * 86_400_000 + 9 * 3_600_000)
  return `${date.toISOString().slice(0, 10)} ${time}`
}

async function importCsv(token: string, csv: string, dryRun: boolean, points?: 'grant' | 'none') {
  const query = `dryRun=${dryRun}${points ? `&points=${points}` : ''}`
  const res = await fetch(`${world.joren.server.url}/api/staff/purchases/import?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('CSV import', () => {
  it('previews per-row errors with line numbers and writes nothing, even on commit', async () => {
    const { owner, memberNumber } = await setup()
    const csv = [
      'member_number,amount,categories,store,purchased_at,external_id',
      `${memberNumber},1200,food;drink,本店,${daysAgo(30, '12:30')},ext-1`,
      `${memberNumber},abc,,本店,,ext-2`,
      `9999999999,500,,,,ext-3`,
      `${memberNumber},800,nope,,2026-13-01 10:00,ext-4`,
      `${memberNumber},800,,,,ext-1`,
    ].join('\n')
    const preview = await importCsv(owner.token(), `\uFEFF${csv}`, true)
    expect(preview.status).toBe(200)
    expect(preview.body.errors).toEqual([
      { line: 3, message: expect.stringContaining('金額') },
      { line: 4, message: expect.stringContaining('9999999999') },
      { line: 5, message: expect.stringMatching(/カテゴリ.*nope.*購入日時/) },
      { line: 6, message: expect.stringContaining('2 行目と重複') },
    ])
    const commit = await importCsv(owner.token(), csv, false)
    expect(commit.status).toBe(422)
    expect(commit.body.committed).toBe(0)
    expect(written()).toEqual({ purchases: 0, ledger: 0, idempotency: 0 })
  })

  it('commits a valid file whole, and skips and reports rows whose external ID exists', async () => {
    const { owner, memberNumber } = await setup()
    const csv = (ids: string[]) =>
      [
        'member_number,amount,categories,store,purchased_at,external_id',
        ...ids.map(
          (id, i) => `${memberNumber},${(i + 1) * 1000},food,本店,${daysAgo(30, '09:00')},${id}`,
        ),
      ].join('\r\n')
    const first = await importCsv(owner.token(), csv(['a', 'b']), false)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ committed: 2, pointsGranted: 30, errors: [], skipped: [] })
    const second = await importCsv(owner.token(), csv(['a', 'b', 'c']), false)
    expect(second.body).toMatchObject({
      committed: 1,
      skipped: [
        { line: 2, externalId: 'a' },
        { line: 3, externalId: 'b' },
      ],
    })
    expect(world.joren.rows('select external_id as e, source from purchases order by id')).toEqual([
      { e: 'a', source: 'csv' },
      { e: 'b', source: 'csv' },
      { e: 'c', source: 'csv' },
    ])
    expect(world.joren.rows('select balance from point_balances')).toEqual([{ balance: 60 }])
    expect(world.joren.rows('select purchase_id as p from point_ledger order by id')).toEqual([
      { p: 1 },
      { p: 2 },
      { p: 3 },
    ])
  })

  it('past-dated rows: points expire counting from the purchase date, none when already past; or none at all, chosen at import', async () => {
    const { owner, memberNumber } = await setup()
    const header = 'member_number,amount,categories,store,purchased_at,external_id'
    // The rule: 1 pt per ¥100, points expire after 12 months (from the purchase, not the import).
    const csv = [
      header,
      `${memberNumber},1000,,,${daysAgo(300)},recent`,
      `${memberNumber},2000,,,${daysAgo(400)},too-old`,
    ].join('\n')
    const preview = await importCsv(owner.token(), csv, true)
    expect(preview.body).toMatchObject({ errors: [], pointsGranted: 10 })
    const commit = await importCsv(owner.token(), csv, false)
    expect(commit.body).toMatchObject({ committed: 2, pointsGranted: 10 })
    expect(
      world.joren.rows(
        'select p.external_id as e, p.points_granted as pt from purchases p order by p.id',
      ),
    ).toEqual([
      { e: 'recent', pt: 10 },
      { e: 'too-old', pt: 0 },
    ])
    const [lot] = world.joren.rows<{ points: number; expires_at: number }>(
      "select points, expires_at from point_ledger where kind = 'grant'",
    )
    expect(lot?.points).toBe(10)
    // 12 months after a purchase 300 days ago: about 65 days from now, not a year.
    const daysLeft = ((lot?.expires_at ?? 0) - clock.now()) / 86_400_000
    expect(daysLeft).toBeGreaterThan(60)
    expect(daysLeft).toBeLessThan(70)

    // History only: the purchases are recorded and grant nothing.
    const history = [header, `${memberNumber},5000,,,${daysAgo(10)},history-1`].join('\n')
    const none = await importCsv(owner.token(), history, false, 'none')
    expect(none.body).toMatchObject({ committed: 1, pointsGranted: 0 })
    expect(
      world.joren.rows(
        "select points_granted as pt from purchases where external_id = 'history-1'",
      ),
    ).toEqual([{ pt: 0 }])
    expect(world.joren.rows('select balance from point_balances')).toEqual([{ balance: 10 }])
    const bad = await importCsv(owner.token(), history, false, 'maybe' as 'none')
    expect(bad.status).toBe(400)
  })
})
