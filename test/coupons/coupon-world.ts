import type { CouponTemplate, CouponView } from '@joren/shared'
import type { claimOwner } from '../auth/world.ts'
import { type World } from '../auth/world.ts'

export const DAY = 24 * 60 * 60 * 1000

export type Owner = Awaited<ReturnType<typeof claimOwner>>

/** A coupon template made through the staff API (30 days from issue unless told otherwise). */
export async function createTemplate(
  world: World,
  owner: { token(): string },
  overrides: Record<string, unknown> = {},
): Promise<CouponTemplate> {
  const res = await world.api<CouponTemplate>('POST', '/api/staff/coupons/templates', {
    token: owner.token(),
    body: {
      kind: 'yen_off',
      title: '次回使える 100円引き',
      value: 100,
      validity: 'days',
      validDays: 30,
      ...overrides,
    },
  })
  if (res.status !== 201) throw new Error(`template: ${JSON.stringify(res.body)}`)
  return res.body
}

export function memberNumberOf(world: World, userId: string): string {
  const [row] = world.joren.rows<{ n: string }>(
    'select member_number as n from members where line_user_id = ?',
    userId,
  )
  if (!row) throw new Error('no member')
  return row.n
}

export async function issueTo(
  world: World,
  staff: { token(): string },
  memberNumber: string,
  templateId: number,
) {
  return world.api<CouponView & { error?: { code: string; message: string } }>(
    'POST',
    `/api/staff/members/${memberNumber}/coupons`,
    { token: staff.token(), body: { templateId } },
  )
}
