import type { Profile } from '@joren/shared'
import { eq, sql } from 'drizzle-orm'
import type { ProfileRepository } from '../../domain/members/profile.ts'
import type { Database } from '../database.ts'
import { memberProfiles, members } from '../schema.ts'
import { reachFloor } from '../segments/reach.ts'

const profileColumns = {
  birthday: memberProfiles.birthday,
  gender: memberProfiles.gender,
  prefecture: memberProfiles.prefecture,
  interests: memberProfiles.interests,
  marketingChoice: memberProfiles.marketingChoice,
  // What the member gets now: their choice, else the shop's default (see reach.ts).
  marketingConsent: sql<number>`CASE ${memberProfiles.marketingChoice} WHEN 'in' THEN 1 WHEN 'out' THEN 0 ELSE ${reachFloor()} = 2 END`,
  updatedAt: memberProfiles.updatedAt,
}

type ProfileRow = {
  birthday: string | null
  gender: Profile['gender']
  prefecture: string | null
  interests: string
  marketingChoice: 'in' | 'out' | null
  marketingConsent: number
  updatedAt: number
}

export function createProfileRepository(db: Database): ProfileRepository {
  const viewById = db
    .select({
      memberNumber: members.memberNumber,
      displayName: members.displayName,
      pictureUrl: members.pictureUrl,
      language: members.language,
    })
    .from(members)
    .where(eq(members.id, sql.placeholder('memberId')))
    .prepare()
  const profileById = db
    .select(profileColumns)
    .from(memberProfiles)
    .where(eq(memberProfiles.memberId, sql.placeholder('memberId')))
    .prepare()

  return {
    async memberView(memberId) {
      const row = (await viewById.get({ memberId })) as
        | {
            memberNumber: string
            displayName: string | null
            pictureUrl: string | null
            language: string | null
          }
        | undefined
      return row ?? null
    },

    async find(memberId) {
      const row = (await profileById.get({ memberId })) as ProfileRow | undefined
      return row ? toProfile(row) : null
    },

    async setMarketingChoice(memberId, choice, now) {
      await db
        .insert(memberProfiles)
        .values({
          memberId,
          marketingChoice: choice,
          marketingConsent: choice === 'in',
          consentUpdatedAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: memberProfiles.memberId,
          set: {
            marketingChoice: choice,
            marketingConsent: choice === 'in',
            consentUpdatedAt: sql`case when ${memberProfiles.marketingChoice} IS excluded.marketing_choice then ${memberProfiles.consentUpdatedAt} else excluded.updated_at end`,
            updatedAt: now,
          },
        })
    },

    async save(memberId, profile, now) {
      const choice =
        profile.marketingConsent === undefined ? null : profile.marketingConsent ? 'in' : 'out'
      const values = {
        birthday: profile.birthday,
        gender: profile.gender,
        prefecture: profile.prefecture,
        interests: JSON.stringify(profile.interests),
        updatedAt: now,
      }
      // Without a choice in the update the stored one stays; `consent_updated_at` moves only when
      // the choice changes (from the stored one, or from "never chose" on the first save).
      const rows = await db
        .insert(memberProfiles)
        .values({
          memberId,
          ...values,
          marketingChoice: choice,
          marketingConsent: choice === 'in',
          consentUpdatedAt: choice === null ? null : now,
        })
        .onConflictDoUpdate({
          target: memberProfiles.memberId,
          set: {
            ...values,
            ...(choice === null
              ? {}
              : {
                  marketingChoice: choice,
                  marketingConsent: choice === 'in',
                  consentUpdatedAt: sql`case when ${memberProfiles.marketingChoice} IS excluded.marketing_choice then ${memberProfiles.consentUpdatedAt} else excluded.updated_at end`,
                }),
          },
        })
        .returning({ memberId: memberProfiles.memberId })
      const row = rows.length > 0 ? ((await profileById.get({ memberId })) as ProfileRow) : null
      if (!row) throw new Error(`the profile of member ${memberId} was not saved`)
      return toProfile(row)
    },
  }
}

function toProfile(row: ProfileRow): Profile {
  let interests: string[] = []
  try {
    const parsed: unknown = JSON.parse(row.interests)
    if (Array.isArray(parsed)) interests = parsed.filter((v): v is string => typeof v === 'string')
  } catch {
    interests = []
  }
  return {
    birthday: row.birthday,
    gender: row.gender,
    prefecture: row.prefecture as Profile['prefecture'],
    interests,
    marketingConsent: Number(row.marketingConsent) === 1,
    marketingChoice: row.marketingChoice,
    updatedAt: row.updatedAt,
  }
}
