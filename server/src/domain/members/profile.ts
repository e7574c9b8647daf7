import type { Category, Profile, ProfileUpdate } from '@joren/shared'
import { InvalidRequest } from '../errors.ts'

/** The signed-in member as the mini-app shows them. */
export interface MemberView {
  memberNumber: string
  displayName: string | null
  pictureUrl: string | null
  language: string | null
}

export interface ProfileRepository {
  memberView(memberId: number): Promise<MemberView | null>
  find(memberId: number): Promise<Profile | null>
  /**
   * Creates or replaces the member's profile in one statement; `consent_updated_at` moves only
   * when the marketing consent changes (from the stored value, or from "not given" on first save).
   */
  save(memberId: number, profile: ProfileUpdate, now: number): Promise<Profile>
  /**
   * The member's own marketing choice (「お知らせを受け取らない」 is 'out'), in one statement that
   * creates the profile row when there is none; the summary's reach state follows by trigger.
   */
  setMarketingChoice(memberId: number, choice: 'in' | 'out', now: number): Promise<void>
}

/** Checks interests against the shop's categories (per-field 400), then saves. */
export async function saveProfile(
  deps: { profiles: ProfileRepository; now(): number },
  memberId: number,
  update: ProfileUpdate,
  categories: Category[],
): Promise<Profile> {
  const known = new Set(categories.map((c) => c.id))
  const details = update.interests.flatMap((id, i) =>
    known.has(id)
      ? []
      : [{ path: `interests.${i}`, message: `「${id}」はこのお店で選べる興味・関心にありません` }],
  )
  if (details.length > 0) {
    throw new InvalidRequest(
      '興味・関心に、このお店で選べない項目が含まれています。選び直してください。',
      details,
    )
  }
  const interests = [...new Set(update.interests)]
  return deps.profiles.save(memberId, { ...update, interests }, deps.now())
}
