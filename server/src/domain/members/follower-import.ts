import type { Ids, Logger } from '../ports.ts'
import type { SettingsStore } from '../shop/settings.ts'
import type { LineProfile } from '../messaging/messenger.ts'
import { newMemberNumber, type MemberRepository } from './members.ts'

/** GET /v2/bot/followers/ids: one page of friends' user IDs and the token of the next. */
export interface FollowerIdsApi {
  page(start: string | null, limit: number): Promise<{ userIds: string[]; next: string | null }>
}

export const FOLLOWER_IMPORT_KEY = 'follower_import'
export const FOLLOWER_PAGE_SIZE = 1000

/** Where the import stands (settings key `follower_import`): resumable after any fault. */
export interface FollowerImportState {
  /** The `start` token of the page not yet fully imported; null: from the first page. */
  cursor: string | null
  done: boolean
  created: number
  existing: number
  pages: number
  updatedAt: number
}

/** The account may not list its friends (LINE answers 403 to unverified accounts). */
export class FollowerListNotAllowedError extends Error {
  constructor() {
    super(
      'このLINE公式アカウントでは友だちのユーザーIDを取得できません（認証済アカウント・プレミアムアカウントのみ利用できる機能です）。' +
        '既存の友だちには「会員登録」QRポスター（npm run poster）を店頭に掲示して、ミニアプリから登録してもらってください。' +
        'メッセージを送ってきた友だちは、その場で会員として登録されます。',
    )
    this.name = 'FollowerListNotAllowedError'
  }
}

export interface FollowerImportDeps {
  api: FollowerIdsApi
  getProfile(userId: string): Promise<LineProfile | null>
  members: MemberRepository
  settings: SettingsStore
  ids: Ids
  logger: Logger
  now(): number
  pageSize?: number
}

function isForbidden(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 403
  )
}

/**
 * Imports the account's existing friends as members, page by page. After each page is stored the
 * cursor moves on, so a fault (a 5xx, a dropped connection, a stop) resumes from the page it was
 * on; a member already there is never created twice (looked up by LINE user ID, and the member
 * row is unique by it). `restart` starts over from the first page.
 */
export async function importFollowers(
  deps: FollowerImportDeps,
  options: { restart?: boolean; onPage?: (state: FollowerImportState) => void } = {},
): Promise<FollowerImportState> {
  const stored = (await deps.settings.get(FOLLOWER_IMPORT_KEY)) as FollowerImportState | undefined
  let state: FollowerImportState =
    stored && !options.restart
      ? stored
      : { cursor: null, done: false, created: 0, existing: 0, pages: 0, updatedAt: deps.now() }
  if (state.done && !options.restart) state = { ...state, cursor: null, done: false }
  const limit = deps.pageSize ?? FOLLOWER_PAGE_SIZE
  for (;;) {
    let page: { userIds: string[]; next: string | null }
    try {
      page = await deps.api.page(state.cursor, limit)
    } catch (error) {
      if (isForbidden(error)) throw new FollowerListNotAllowedError()
      throw error
    }
    let created = 0
    let existing = 0
    for (const userId of page.userIds) {
      if (await deps.members.findByLineUserId(userId)) {
        existing++
        continue
      }
      const profile = await deps.getProfile(userId)
      const result = await deps.members.recordFollowState({
        lineUserId: userId,
        state: 'following',
        at: deps.now(),
        profile,
        memberNumber: newMemberNumber(deps.ids.randomInt),
        now: deps.now(),
        cause: { kind: 'existing_friend' },
      })
      if (result.existed) existing++
      else created++
    }
    state = {
      cursor: page.next,
      done: page.next === null,
      created: state.created + created,
      existing: state.existing + existing,
      pages: state.pages + 1,
      updatedAt: deps.now(),
    }
    await deps.settings.put(FOLLOWER_IMPORT_KEY, state, deps.now())
    options.onPage?.(state)
    if (state.done) {
      deps.logger.info('follower import finished', {
        created: state.created,
        existing: state.existing,
        pages: state.pages,
      })
      return state
    }
  }
}
