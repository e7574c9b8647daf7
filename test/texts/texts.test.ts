import type { BusinessHours, ShopTextEntry, ShopTexts } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, inviteStaff, TestClock, useWorld, type World } from '../auth/world.ts'
import { createTemplate } from '../coupons/coupon-world.ts'
import { acceptedMessages, memberNumberOf } from '../loyalty/world-helpers.ts'
import { eventually } from '../support/joren-node.ts'
import { settled } from '../support-inbox/inbox-world.ts'

/**
 * The shop's editable texts (issue 15): what the shop stores is what the LINE stand-in receives,
 * in the member's language, at each place the text is sent; a reset brings the default back; a
 * refused change changes nothing; only owner and admin edit.
 */

const clock = new TestClock()
const world = useWorld(clock)

type Token = { token(): string }

async function putText(owner: Token, key: string, locale: 'ja' | 'en', body: string) {
  return world.api<ShopTextEntry & { error?: { message: string } }>('PUT', '/api/staff/texts', {
    token: owner.token(),
    body: { key, locale, body },
  })
}

async function putHours(owner: Token, hours: BusinessHours) {
  const res = await world.api('PUT', '/api/staff/texts/hours', {
    token: owner.token(),
    body: hours,
  })
  expect(res.status).toBe(200)
}

/** A stand-in user speaking `language` who adds the account (the follow webhook is signed). */
async function follower(w: World, displayName: string, language: 'ja' | 'en') {
  const user = w.standIn.createUser({ displayName, language })
  await w.standIn.follow(user.userId)
  await settled(w)
  return user.userId
}

const texts = (userId: string) =>
  acceptedMessages(world, userId)
    .filter((m) => m.message.type === 'text')
    .map((m) => ({ via: m.via, text: String(m.message.text) }))

/** The shop's date and weekday now (Asia/Tokyo). */
function tokyoToday(at: number) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at)
  return parts
}

const OPEN_ALL_DAY = { open: '00:00', close: '24:00' }
const allDays = (day: { open: string; close: string } | null) =>
  Array.from({ length: 7 }, () => day)

describe('editable texts', () => {
  it('the welcome and welcome back are the shop’s, by reply token, in Japanese and English', async () => {
    const owner = await claimOwner(world)
    expect((await putText(owner, 'welcome', 'ja', '{name}、{shop}へようこそ！')).status).toBe(200)
    expect((await putText(owner, 'welcome', 'en', 'Welcome to {shop}, {name}!')).status).toBe(200)
    expect((await putText(owner, 'welcome_back', 'ja', '{name}、お帰りなさいませ。')).status).toBe(
      200,
    )
    expect(
      (await putText(owner, 'welcome_back', 'en', 'Nice to see you again, {name}.')).status,
    ).toBe(200)
    const hana = await follower(world, '山田 花子', 'ja')
    const ken = await follower(world, 'Ken', 'en')
    await eventually(() => {
      expect(texts(hana)[0]).toEqual({
        via: 'reply',
        text: '山田 花子さん、マイショップへようこそ！',
      })
      expect(texts(ken)[0]).toEqual({ via: 'reply', text: 'Welcome to マイショップ, Ken!' })
    })
    // Block and add again: the welcome back.
    await world.standIn.unfollow(hana)
    await world.standIn.unfollow(ken)
    await settled(world)
    await world.standIn.follow(hana)
    await world.standIn.follow(ken)
    await settled(world)
    await eventually(() => {
      expect(texts(hana).map((t) => t.text)).toContain('山田 花子さん、お帰りなさいませ。')
      expect(texts(ken).map((t) => t.text)).toContain('Nice to see you again, Ken.')
    })
  })

  it('reset restores the default, and a refused change stores nothing', async () => {
    const owner = await claimOwner(world)
    const audits = () => world.count('audit_log')
    const before = audits()
    const bad = await putText(owner, 'welcome', 'ja', '{name}さん、{points}ポイント{nickname}')
    expect(bad.status).toBe(400)
    expect(bad.body.error?.message).toContain('{points} {nickname}')
    expect(bad.body.error?.message).toContain('{name} {shop}')
    expect((await putText(owner, 'welcome', 'xx' as 'ja', 'hi')).status).toBe(400)
    expect((await putText(owner, 'nope', 'ja', 'hi')).status).toBe(400)
    expect((await putText(owner, 'welcome', 'ja', '   ')).status).toBe(400)
    expect(world.count('shop_texts')).toBe(0)
    expect(audits()).toBe(before)

    expect((await putText(owner, 'welcome', 'ja', '特別なごあいさつ {{限定}}')).status).toBe(200)
    expect(audits()).toBe(before + 1)
    const reset = await world.api<ShopTextEntry>('POST', '/api/staff/texts/reset', {
      token: owner.token(),
      body: { key: 'welcome', locale: 'ja' },
    })
    expect(reset.status).toBe(200)
    expect(reset.body).toMatchObject({ custom: false, body: reset.body.defaultBody })
    expect(world.count('shop_texts')).toBe(0)
    expect(audits()).toBe(before + 2)
    const hana = await follower(world, '山田 花子', 'ja')
    await eventually(() =>
      expect(texts(hana)[0]?.text).toBe(
        '山田 花子さん、友だち追加ありがとうございます！\n会員証・ポイント・クーポンをこのトークからご利用いただけます。',
      ),
    )
    expect(texts(hana).some((t) => t.text.includes('特別なごあいさつ'))).toBe(false)
  })

  it('the receipt with its tier-up line is the shop’s wording, in Japanese and English', async () => {
    const owner = await claimOwner(world)
    await world.api('PUT', '/api/staff/settings/messaging', {
      token: owner.token(),
      body: { marketingDefault: 'everyone', receipt: 'on', tierUp: true, stampReward: true },
    })
    await putText(owner, 'receipt', 'ja', '{name}、{amount}のお会計ありがとう（残高 {balance}）')
    await putText(owner, 'receipt', 'en', 'Thanks {name}: {amount}, balance {balance}')
    await putText(owner, 'receipt_tier_up', 'ja', '祝・{tier}！ポイント{multiplier}倍')
    await putText(owner, 'receipt_tier_up', 'en', 'Hooray, {tier}! {multiplier}x points')
    const hana = await follower(world, '花子', 'ja')
    const ken = await follower(world, 'Ken', 'en')
    for (const userId of [hana, ken]) {
      const res = await world.api('POST', '/api/staff/register/purchases', {
        token: owner.token(),
        body: { memberNumber: memberNumberOf(world, userId), amountYen: 30_000 },
      })
      expect(res.status).toBe(201)
    }
    const receipt = (userId: string) =>
      acceptedMessages(world, userId).find((m) => m.via === 'push' && m.message.type === 'flex')
    await eventually(() => {
      expect(receipt(hana)).toBeDefined()
      expect(receipt(ken)).toBeDefined()
    })
    const ja = JSON.stringify(receipt(hana)?.message)
    expect(ja).toContain('花子さん、30,000円のお会計ありがとう（残高 300pt）')
    expect(ja).toContain('祝・シルバー！ポイント')
    expect(ja).not.toContain('お買い上げありがとうございます')
    const en = JSON.stringify(receipt(ken)?.message)
    expect(en).toContain('Thanks Ken: ¥30,000, balance 300pt')
    expect(en).toContain('Hooray, ')
    // One message per purchase: the tier-up is inside the receipt.
    expect(acceptedMessages(world, hana).filter((m) => m.via === 'push')).toHaveLength(1)
  })

  it('the hand-over acknowledgement follows the hours, holidays and special days', async () => {
    const owner = await claimOwner(world)
    await putText(owner, 'ack_open', 'ja', '{name}、スタッフが対応します（{hours}）')
    await putText(owner, 'ack_open', 'en', '{name}, a person will answer ({hours})')
    await putText(owner, 'ack_closed', 'ja', '{name}、ただいま営業時間外です。{hours}')
    await putText(owner, 'ack_closed', 'en', '{name}, we are closed now. {hours}')
    const today = tokyoToday(clock.now())

    // Open every day, but today is a holiday: closed.
    await putHours(owner, { days: allDays(OPEN_ALL_DAY), holidays: [today] })
    const hana = await follower(world, '花子', 'ja')
    const ken = await follower(world, 'Ken', 'en')
    await world.standIn.sendText(hana, '駐車場はありますか？')
    await world.standIn.sendText(ken, 'Do you have parking?')
    await settled(world)
    await eventually(() => {
      expect(texts(hana).map((t) => t.text)).toContain(
        '花子さん、ただいま営業時間外です。00:00–24:00',
      )
      expect(texts(ken).map((t) => t.text)).toContain('Ken, we are closed now. 00:00–24:00')
    })
    const listed = await world.api<ShopTexts>('GET', '/api/staff/texts', { token: owner.token() })
    expect(listed.body.openNow).toBe(false)

    // Closed every weekday, but today is a special day open all day: open.
    await putHours(owner, {
      days: allDays(null),
      specialDays: [{ date: today, hours: OPEN_ALL_DAY }],
    })
    const listedAgain = await world.api<ShopTexts>('GET', '/api/staff/texts', {
      token: owner.token(),
    })
    expect(listedAgain.body.openNow).toBe(true)
    const yui = await follower(world, '結衣', 'ja')
    const emily = await follower(world, 'Emily', 'en')
    await world.standIn.sendText(yui, '予約できますか？')
    await world.standIn.sendText(emily, 'Can I book?')
    await settled(world)
    await eventually(() => {
      expect(texts(yui).map((t) => t.text)).toContain('結衣さん、スタッフが対応します（定休）')
      expect(texts(emily).map((t) => t.text)).toContain('Emily, a person will answer (closed)')
    })
  })

  it('a coupon issued by hand can notify the member with the shop’s note', async () => {
    const owner = await claimOwner(world)
    await putText(owner, 'coupon_issued', 'ja', '{name}へ「{coupon}」をお届け。期限 {expires}')
    await putText(owner, 'coupon_issued', 'en', 'For {name}: "{coupon}", until {expires}')
    const template = await createTemplate(world, owner)
    const hana = await follower(world, '花子', 'ja')
    const ken = await follower(world, 'Ken', 'en')
    const quiet = await follower(world, '静香', 'ja')
    for (const [userId, notify] of [
      [hana, true],
      [ken, true],
      [quiet, false],
    ] as const) {
      const res = await world.api(
        'POST',
        `/api/staff/members/${memberNumberOf(world, userId)}/coupons`,
        {
          token: owner.token(),
          body: { templateId: template.id, notify },
        },
      )
      expect(res.status).toBe(201)
    }
    await settled(world)
    const pushes = (userId: string) =>
      acceptedMessages(world, userId).filter((m) => m.via === 'push')
    await eventually(() => {
      expect(pushes(hana)).toHaveLength(2)
      expect(pushes(ken)).toHaveLength(2)
    })
    expect(String(pushes(hana)[0]?.message.text)).toMatch(
      /^花子さんへ「次回使える 100円引き」をお届け。期限 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/,
    )
    expect(pushes(hana)[1]?.message.type).toBe('flex')
    expect(String(pushes(ken)[0]?.message.text)).toMatch(/^For Ken: "次回使える 100円引き", until /)
    expect(pushes(quiet)).toHaveLength(0)
  })

  it('preview renders a sample or a chosen member’s values; only owner and admin edit', async () => {
    const owner = await claimOwner(world)
    const admin = await inviteStaff(world, owner, 'admin')
    const staff = await inviteStaff(world, owner, 'staff')
    const hana = await follower(world, '花子', 'ja')
    const memberNumber = memberNumberOf(world, hana)

    const sample = await world.api<{ text: string }>('POST', '/api/staff/texts/preview', {
      token: owner.token(),
      body: { key: 'receipt', locale: 'ja', body: '{name} {balance} {tier}' },
    })
    expect(sample.status).toBe(200)
    expect(sample.body.text).toBe('山田 花子さん 315pt シルバー')
    const real = await world.api<{ text: string }>('POST', '/api/staff/texts/preview', {
      token: admin.token(),
      body: { key: 'receipt', locale: 'ja', body: '{name} {balance}', memberNumber },
    })
    expect(real.body.text).toBe('花子さん 0pt')
    const current = await world.api<{ text: string }>('POST', '/api/staff/texts/preview', {
      token: owner.token(),
      body: { key: 'welcome', locale: 'en' },
    })
    expect(current.body.text).toMatch(/^Hi Hanako, thanks for adding us/)
    const unknownMember = await world.api('POST', '/api/staff/texts/preview', {
      token: owner.token(),
      body: { key: 'welcome', locale: 'ja', memberNumber: '0000000000' },
    })
    expect(unknownMember.status).toBe(404)
    const badPlaceholder = await world.api('POST', '/api/staff/texts/preview', {
      token: owner.token(),
      body: { key: 'welcome', locale: 'ja', body: '{coupon}' },
    })
    expect(badPlaceholder.status).toBe(400)

    expect((await putText(admin, 'welcome', 'ja', '管理者の文面')).status).toBe(200)
    expect((await putText(staff, 'welcome', 'ja', 'スタッフの文面')).status).toBe(403)
    expect((await world.api('GET', '/api/staff/texts', { token: staff.token() })).status).toBe(403)
    const reset = await world.api('POST', '/api/staff/texts/reset', {
      token: staff.token(),
      body: { key: 'welcome', locale: 'ja' },
    })
    expect(reset.status).toBe(403)
    const hours = await world.api('PUT', '/api/staff/texts/hours', {
      token: staff.token(),
      body: { days: allDays(null) },
    })
    expect(hours.status).toBe(403)
    const listed = await world.api<ShopTexts>('GET', '/api/staff/texts', { token: owner.token() })
    expect(listed.body.texts.find((t) => t.key === 'welcome' && t.locale === 'ja')).toMatchObject({
      body: '管理者の文面',
      custom: true,
    })
    expect(listed.body.texts).toHaveLength(14)
  })
})
