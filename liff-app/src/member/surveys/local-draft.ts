import type { SurveyAnswers, SurveyQuestion } from '@joren/shared'
import { restoreDraft } from './restore-draft.ts'

/** A device copy older than this is ignored (the server draft is the one that lasts). */
const MAX_AGE_MS = 14 * 24 * 3600_000

/**
 * The answers as typed, kept on this device beside the server draft: they hold what the server
 * draft cannot (a text still over its limit, a change made offline).
 */
export interface LocalDraft {
  read(): SurveyAnswers | null
  write(answers: SurveyAnswers): void
  clear(): void
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export function localDraft(
  storage: StorageLike | null,
  key: string,
  now: () => number = Date.now,
): LocalDraft {
  // Storage can be missing or throw (private mode, quota): the form works without it.
  const attempt = <T>(run: () => T, fallback: T): T => {
    try {
      return storage ? run() : fallback
    } catch {
      return fallback
    }
  }
  return {
    read: () =>
      attempt(() => {
        const stored = JSON.parse(storage!.getItem(key) ?? 'null') as {
          answers?: unknown
          savedAt?: unknown
        } | null
        if (!stored || typeof stored.savedAt !== 'number' || now() - stored.savedAt > MAX_AGE_MS)
          return null
        const { answers } = stored
        return answers && typeof answers === 'object' && !Array.isArray(answers)
          ? (answers as SurveyAnswers)
          : null
      }, null),
    write: (answers) =>
      attempt(() => storage!.setItem(key, JSON.stringify({ answers, savedAt: now() })), undefined),
    clear: () => attempt(() => storage!.removeItem(key), undefined),
  }
}

/**
 * The answers to start the form with. The server draft wins for every question it has (it may
 * hold answers given in chat mode after this device's copy was written); this device's copy
 * fills in the rest (what could not be saved yet). Values that no longer fit the version go.
 */
export function mergeDrafts(
  questions: readonly SurveyQuestion[],
  server: SurveyAnswers | null,
  local: SurveyAnswers | null,
): SurveyAnswers {
  return restoreDraft(questions, { ...local, ...server })
}
