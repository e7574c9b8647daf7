import type { Profile } from '@joren/shared'
import { eq, sql } from 'drizzle-orm'
import type { ProfileRepository } from '../../domain/members/profile.ts'
import type { Database } from '../database.ts'
import { memberProfiles, members } from '../schema.ts'

const profileColumns = {
  birthday: memberProfiles.birthday,
  gender: memberProfiles.gender,
  prefecture: memberProfiles.prefecture,
  interests: memberProfiles.interests,
  marketingConsent: memberProfiles.marketingConsent,
  updatedAt: memberProfiles.updatedAt,
}

type ProfileRow = {
  birthday: string | null
  gender: Profile['gender']
  prefecture: string | null
  interests: string
  marketingConsent: boolean
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

    async save(memberId, profile, now) {
      const values = {
        birthday: profile.birthday,
        gender: profile.gender,
        prefecture: profile.prefecture,
        interests: JSON.stringify(profile.interests),
        marketingConsent: profile.marketingConsent,
        updatedAt: now,
      }
      const rows = await db
        .insert(memberProfiles)
        .values({
          memberId,
          ...values,
          // First save: consent counts as a change only when it is given (the default is "not").
          consentUpdatedAt: profile.marketingConsent ? now : null,
        })
        .onConflictDoUpdate({
          target: memberProfiles.memberId,
          set: {
            ...values,
            consentUpdatedAt: sql`case when ${memberProfiles.marketingConsent} = excluded.marketing_consent then ${memberProfiles.consentUpdatedAt} else excluded.updated_at end`,
          },
        })
        .returning(profileColumns)
      const row = rows[0] as ProfileRow | undefined
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
    marketingConsent: row.marketingConsent,
    updatedAt: row.updatedAt,
  }
}
