import type { ReferralReason, ReferralStatus } from '@joren/shared'
import { and, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm'
import { localDate } from '../../domain/loyalty/dates.ts'
import type {
  FollowRecord,
  Referral,
  ReferralMember,
  ReferralStore,
  StaffListRow,
  StoredReward,
} from '../../domain/referrals/store.ts'
import type { Write } from '../../domain/unit-of-work.ts'
import type { Database } from '../database.ts'
import { domainEvents, memberProfiles, members, referralCodes, referrals } from '../schema.ts'

const referralColumns = {
  id: referrals.id,
  referrerMemberId: referrals.referrerMemberId,
  newcomerLineUserId: referrals.newcomerLineUserId,
  newcomerMemberId: referrals.newcomerMemberId,
  status: referrals.status,
  reason: referrals.reason,
  claimedAt: referrals.claimedAt,
  joinedAt: referrals.joinedAt,
  qualifiedAt: referrals.qualifiedAt,
  qualifyingPurchaseId: referrals.qualifyingPurchaseId,
  referrerReward: referrals.referrerReward,
  newcomerReward: referrals.newcomerReward,
}

type ReferralRow = Omit<Referral, 'reason' | 'referrerReward' | 'newcomerReward'> & {
  reason: string | null
  referrerReward: string | null
  newcomerReward: string | null
}

const reward = (text: string | null): StoredReward | null =>
  text === null ? null : (JSON.parse(text) as StoredReward)

function toReferral(row: ReferralRow): Referral {
  return {
    ...row,
    reason: row.reason as ReferralReason | null,
    referrerReward: reward(row.referrerReward),
    newcomerReward: reward(row.newcomerReward),
  }
}

const memberColumns = {
  id: members.id,
  lineUserId: members.lineUserId,
  displayName: members.displayName,
  language: members.language,
  followState: members.followState,
  createdAt: members.createdAt,
}

/** Statuses that count against the monthly cap (qualified once, whatever happened after). */
const COUNTED: ReferralStatus[] = ['qualified', 'reversed', 'flagged']

/** Members as referral sees them: their codes, profiles and follow history. */
function createReferralMembers(
  db: Database,
): Pick<
  ReferralStore,
  | 'codeOf'
  | 'createCode'
  | 'referrerByCode'
  | 'member'
  | 'memberByLineUserId'
  | 'hasProfile'
  | 'followHistory'
> {
  const memberWhere = async (where: SQL): Promise<ReferralMember | null> => {
    const [row] = (await db
      .select(memberColumns)
      .from(members)
      .where(where)
      .limit(1)) as ReferralMember[]
    return row ?? null
  }

  return {
    async codeOf(memberId) {
      const [row] = await db
        .select({ code: referralCodes.code })
        .from(referralCodes)
        .where(eq(referralCodes.memberId, memberId))
      return row?.code ?? null
    },

    async createCode(memberId, code, now) {
      await db
        .insert(referralCodes)
        .values({ memberId, code, createdAt: now })
        .onConflictDoNothing({ target: referralCodes.memberId })
    },

    async referrerByCode(code) {
      const [row] = (await db
        .select(memberColumns)
        .from(referralCodes)
        .innerJoin(members, eq(members.id, referralCodes.memberId))
        .where(eq(referralCodes.code, code))) as ReferralMember[]
      return row ?? null
    },

    member: (id) => memberWhere(eq(members.id, id)),
    memberByLineUserId: (lineUserId) => memberWhere(eq(members.lineUserId, lineUserId)),

    async hasProfile(memberId) {
      const rows = await db
        .select({ id: memberProfiles.memberId })
        .from(memberProfiles)
        .where(eq(memberProfiles.memberId, memberId))
        .limit(1)
      return rows.length > 0
    },

    async followHistory(memberId) {
      const rows = await db
        .select({ type: domainEvents.type, data: domainEvents.data, at: domainEvents.occurredAt })
        .from(domainEvents)
        .where(
          and(
            eq(domainEvents.memberId, memberId),
            inArray(domainEvents.type, ['member.followed', 'member.unfollowed']),
          ),
        )
        .orderBy(domainEvents.id)
      return rows.map((r): FollowRecord => {
        const data = JSON.parse(r.data) as Record<string, unknown>
        return {
          type: r.type as FollowRecord['type'],
          firstFollow: data.firstFollow === true,
          refollow: data.refollow === true,
          unblocked: data.unblocked === true,
          occurredAt: r.at,
        }
      })
    },
  }
}

/** A referral's life: claimed, joined, refused or noted, qualified (capped a month), closed. */
function createReferralClaims(
  db: Database,
): Pick<
  ReferralStore,
  | 'find'
  | 'findClaim'
  | 'liveClaim'
  | 'liveForNewcomer'
  | 'byPurchase'
  | 'insertClaim'
  | 'joinWrite'
  | 'refuseWrite'
  | 'noteWrite'
  | 'qualifiedInMonth'
  | 'qualifyWrites'
  | 'closeWrites'
> {
  const one = async (where: SQL | undefined): Promise<Referral | null> => {
    const [row] = (await db
      .select(referralColumns)
      .from(referrals)
      .where(where)
      .orderBy(referrals.id)
      .limit(1)) as ReferralRow[]
    return row ? toReferral(row) : null
  }
  const guard = (id: number): Write =>
    // changes() here is the previous statement's: 0 fails the CHECK and with it the commit.
    db
      .update(referrals)
      .set({ qualifyGuard: sql`changes()` })
      .where(eq(referrals.id, id))

  return {
    find: (id) => one(eq(referrals.id, id)),
    findClaim: (lineUserId, referrerMemberId) =>
      one(
        and(
          eq(referrals.newcomerLineUserId, lineUserId),
          eq(referrals.referrerMemberId, referrerMemberId),
        ),
      ),
    liveClaim: (lineUserId) =>
      one(and(eq(referrals.newcomerLineUserId, lineUserId), ne(referrals.status, 'refused'))),
    liveForNewcomer: (memberId) =>
      one(and(eq(referrals.newcomerMemberId, memberId), ne(referrals.status, 'refused'))),
    byPurchase: (purchaseId) => one(eq(referrals.qualifyingPurchaseId, purchaseId)),

    async insertClaim(input) {
      const rows = await db
        .insert(referrals)
        .values({
          referrerMemberId: input.referrerMemberId,
          newcomerLineUserId: input.newcomerLineUserId,
          status: input.status,
          reason: input.reason,
          claimedAt: input.now,
          closedAt: input.status === 'refused' ? input.now : null,
          createdAt: input.now,
          updatedAt: input.now,
        })
        .onConflictDoNothing()
        .returning({ id: referrals.id })
      return rows.length > 0
    },

    joinWrite(id, newcomerMemberId, joinedAt, now) {
      return db
        .update(referrals)
        .set({ status: 'joined', newcomerMemberId, joinedAt, updatedAt: now })
        .where(and(eq(referrals.id, id), eq(referrals.status, 'claimed')))
    },

    refuseWrite(id, reason, now) {
      return db
        .update(referrals)
        .set({ status: 'refused', reason, closedAt: now, updatedAt: now })
        .where(and(eq(referrals.id, id), inArray(referrals.status, ['claimed', 'joined'])))
    },

    noteWrite(id, reason, now) {
      return db
        .update(referrals)
        .set({ reason, updatedAt: now })
        .where(and(eq(referrals.id, id), eq(referrals.status, 'joined')))
    },

    async qualifiedInMonth(referrerMemberId, month) {
      const [row] = await db
        .select({ n: sql<number>`count(*)` })
        .from(referrals)
        .where(
          and(
            eq(referrals.referrerMemberId, referrerMemberId),
            eq(referrals.qualifyMonth, month),
            inArray(referrals.status, COUNTED),
          ),
        )
      return Number(row?.n ?? 0)
    },

    qualifyWrites(input) {
      const counted = sql`(SELECT count(*) FROM referrals AS r2
        WHERE r2.referrer_member_id = ${input.referrerMemberId}
          AND r2.qualify_month = ${input.month}
          AND r2.status IN ('qualified', 'reversed', 'flagged'))`
      const referrerFollows = sql`(SELECT follow_state FROM members
        WHERE id = ${input.referrerMemberId}) = 'following'`
      return [
        db
          .update(referrals)
          .set({
            status: 'qualified',
            reason: null,
            qualifiedAt: input.now,
            qualifyMonth: input.month,
            qualifyingPurchaseId: input.purchaseId,
            referrerReward: JSON.stringify(input.referrerReward),
            newcomerReward: JSON.stringify(input.newcomerReward),
            updatedAt: input.now,
          })
          .where(
            and(
              eq(referrals.id, input.id),
              eq(referrals.status, 'joined'),
              sql`${counted} < ${input.cap}`,
              referrerFollows,
            ),
          ),
        guard(input.id),
      ]
    },

    closeWrites(input) {
      return [
        db
          .update(referrals)
          .set({
            status: input.status,
            reason: input.reason,
            closedAt: input.now,
            updatedAt: input.now,
          })
          .where(and(eq(referrals.id, input.id), eq(referrals.status, 'qualified'))),
        guard(input.id),
      ]
    },
  }
}

/** What staff read: claims to match, a referrer's list, the staff list and the stats. */
function createReferralReports(
  db: Database,
): Pick<
  ReferralStore,
  'claimsWithMember' | 'joinedWithProfile' | 'forReferrer' | 'list' | 'stats'
> {
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all(q)) as T[]

  return {
    async claimsWithMember(claimedBefore, limit) {
      const rows = (await db
        .select(referralColumns)
        .from(referrals)
        .innerJoin(members, eq(members.lineUserId, referrals.newcomerLineUserId))
        .where(and(eq(referrals.status, 'claimed'), lt(referrals.claimedAt, claimedBefore)))
        .orderBy(referrals.id)
        .limit(limit)) as ReferralRow[]
      return rows.map(toReferral)
    },

    async joinedWithProfile(limit) {
      const rows = (await db
        .select(referralColumns)
        .from(referrals)
        .innerJoin(memberProfiles, eq(memberProfiles.memberId, referrals.newcomerMemberId))
        .where(eq(referrals.status, 'joined'))
        .orderBy(referrals.id)
        .limit(limit)) as ReferralRow[]
      return rows.map(toReferral)
    },

    async forReferrer(memberId) {
      const rows = (await db
        .select({ ...referralColumns, newcomerName: members.displayName })
        .from(referrals)
        .leftJoin(members, eq(members.id, referrals.newcomerMemberId))
        .where(eq(referrals.referrerMemberId, memberId))
        .orderBy(desc(referrals.id))
        .limit(200)) as (ReferralRow & { newcomerName: string | null })[]
      return rows.map((r) => ({ ...toReferral(r), newcomerName: r.newcomerName }))
    },

    async list(query) {
      const rows = await all<
        ReferralRow & {
          referrerNumber: string
          referrerName: string | null
          newcomerNumber: string | null
          newcomerName: string | null
        }
      >(sql`SELECT r.id, r.referrer_member_id AS referrerMemberId,
            r.newcomer_line_user_id AS newcomerLineUserId, r.newcomer_member_id AS newcomerMemberId,
            r.status, r.reason, r.claimed_at AS claimedAt, r.joined_at AS joinedAt,
            r.qualified_at AS qualifiedAt, r.qualifying_purchase_id AS qualifyingPurchaseId,
            r.referrer_reward AS referrerReward, r.newcomer_reward AS newcomerReward,
            a.member_number AS referrerNumber, a.display_name AS referrerName,
            b.member_number AS newcomerNumber, b.display_name AS newcomerName
          FROM referrals r
          JOIN members a ON a.id = r.referrer_member_id
          LEFT JOIN members b ON b.id = r.newcomer_member_id
          ${query.status ? sql`WHERE r.status = ${query.status}` : sql``}
          ORDER BY r.id DESC LIMIT ${query.limit}`)
      return rows.map(
        (r): StaffListRow => ({
          ...toReferral(r),
          referrerNumber: r.referrerNumber,
          referrerName: r.referrerName,
          newcomerNumber: r.newcomerNumber,
          newcomerName: r.newcomerName,
        }),
      )
    },

    async stats({ since, timeZone, top }) {
      const totals = await all<{ status: ReferralStatus; n: number }>(
        sql`SELECT status, count(*) AS n FROM referrals GROUP BY status`,
      )
      const n = (...statuses: ReferralStatus[]) =>
        totals.filter((t) => statuses.includes(t.status)).reduce((s, t) => s + Number(t.n), 0)
      const topRows = await all<{
        memberNumber: string
        displayName: string | null
        qualified: number
      }>(sql`SELECT m.member_number AS memberNumber, m.display_name AS displayName,
            count(*) AS qualified
          FROM referrals r JOIN members m ON m.id = r.referrer_member_id
          WHERE r.status IN ('qualified', 'flagged')
          GROUP BY r.referrer_member_id ORDER BY qualified DESC, r.referrer_member_id LIMIT ${top}`)
      // Months in the shop's time zone (computed here: SQLite knows no time zones).
      const recent = await all<{ claimedAt: number; qualifiedAt: number | null }>(
        sql`SELECT claimed_at AS claimedAt, qualified_at AS qualifiedAt FROM referrals
          WHERE claimed_at >= ${since} OR qualified_at >= ${since}`,
      )
      const months = new Map<string, { claimed: number; qualified: number }>()
      const bucket = (at: number) => {
        const month = localDate(at, timeZone).slice(0, 7)
        let entry = months.get(month)
        if (!entry) months.set(month, (entry = { claimed: 0, qualified: 0 }))
        return entry
      }
      for (const row of recent) {
        if (row.claimedAt >= since) bucket(row.claimedAt).claimed++
        if (row.qualifiedAt !== null && row.qualifiedAt >= since)
          bucket(row.qualifiedAt).qualified++
      }
      return {
        totals: {
          claimed: n('claimed', 'joined', 'qualified', 'refused', 'reversed', 'flagged'),
          joined: n('joined', 'qualified', 'reversed', 'flagged'),
          qualified: n('qualified', 'reversed', 'flagged'),
          refused: n('refused'),
        },
        topReferrers: topRows.map((r) => ({ ...r, qualified: Number(r.qualified) })),
        conversions: [...months.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([month, v]) => ({ month, ...v })),
      }
    },
  }
}

export function createReferralRepository(db: Database): ReferralStore {
  return {
    ...createReferralMembers(db),
    ...createReferralClaims(db),
    ...createReferralReports(db),
  }
}
