import type { FaqEntry } from '@joren/shared'
import {
  buildFaqIndex,
  DEFAULT_FAQ_MATCH,
  matchFaq,
  type FaqIndex,
  type FaqMatch,
  type FaqMatchOptions,
} from './matcher.ts'
import type { FaqStore } from './store.ts'

export interface FaqAnswer {
  match: FaqMatch
  /** The entry that answers (outcome 'answer'), else null. */
  entry: FaqEntry | null
  /** The suggested entries (outcome 'hand_over'), best first. */
  suggestions: FaqEntry[]
}

/**
 * Matches messages against the enabled FAQ entries through an index built once per version of
 * the entries (one cheap `version()` query per message; the entries are read and tokenised again
 * only after staff changed them).
 */
export function createFaqAnswerer(
  store: Pick<FaqStore, 'version' | 'listEnabled'>,
  options: FaqMatchOptions = DEFAULT_FAQ_MATCH,
) {
  interface Cached {
    version: string
    index: FaqIndex
    entries: Map<number, FaqEntry>
  }
  let cached: Cached | null = null

  async function current(): Promise<Cached> {
    const version = await store.version()
    if (cached?.version === version) return cached
    const entries = await store.listEnabled()
    cached = {
      version,
      index: buildFaqIndex(entries),
      entries: new Map(entries.map((e) => [e.id, e])),
    }
    return cached
  }

  return {
    async answer(text: string): Promise<FaqAnswer> {
      const { index, entries } = await current()
      const match = matchFaq(index, text, options)
      const entry =
        match.outcome === 'answer' && match.best ? (entries.get(match.best.entryId) ?? null) : null
      const suggestions = match.suggestions
        .map((s) => entries.get(s.entryId))
        .filter((e): e is FaqEntry => e !== undefined)
      return { match, entry, suggestions }
    },
    /** An enabled entry by ID (a suggestion the member tapped). */
    async entry(id: number): Promise<FaqEntry | null> {
      return (await current()).entries.get(id) ?? null
    },
    options,
  }
}
export type FaqAnswerer = ReturnType<typeof createFaqAnswerer>
