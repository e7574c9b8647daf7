import type { FaqEntry } from '@joren/shared'
import {
  buildFaqIndex,
  defaultFaqEngine,
  matchFaq,
  type FaqEngine,
  type FaqIndex,
  type FaqMatch,
} from './matcher.ts'
import { normaliseQuestion } from './normalise.ts'
import { SemanticIndex, type EmbeddingProvider } from './semantic.ts'
import type { FaqStore } from './store.ts'

export interface FaqAnswer {
  match: FaqMatch
  /** The entry that answers (outcome 'answer'), else null. */
  entry: FaqEntry | null
  /** The suggested entries (outcome 'hand_over'), best first. */
  suggestions: FaqEntry[]
}

/** The match when the shop has no enabled entry: hand over. */
function noEntries(text: string): FaqMatch {
  return {
    outcome: 'hand_over',
    best: null,
    candidates: [],
    suggestions: [],
    normalised: normaliseQuestion(text),
    confidence: 0,
    margin: 0,
    features: {
      score: 0,
      margin: 0,
      ngram: 0,
      coverage: 0,
      phrasing: 0,
      unknown: 1,
      missed: 0,
      semantic: 0,
    },
  }
}

export interface FaqAnswererOptions {
  /**
   * The lexical engine, asked for when the first index is built (so Node loads its analyser on
   * first use, not at import). Default: the light engine (Intl.Segmenter), as on Workers.
   */
  engine?: () => FaqEngine
  /** Optional embeddings: combined with the lexical scores when set. */
  embeddings?: EmbeddingProvider | null
}

/**
 * Matches messages against the enabled FAQ entries through an index built once per version of
 * the entries (one cheap `version()` query per message; the entries are read and analysed again
 * only after staff changed them). With an embedding provider, entry vectors are cached by text
 * and refreshed with the index.
 */
export function createFaqAnswerer(
  store: Pick<FaqStore, 'version' | 'listEnabled'>,
  options: FaqAnswererOptions = {},
) {
  interface Cached {
    version: string
    /** null while the shop has no enabled entry (nothing to analyse, no analyser loaded). */
    index: FaqIndex | null
    entries: Map<number, FaqEntry>
  }
  let cached: Cached | null = null
  let building: Promise<Cached> | null = null
  let engine: FaqEngine | null = null
  const semantic = options.embeddings ? new SemanticIndex(options.embeddings) : null

  async function build(version: string): Promise<Cached> {
    const entries = await store.listEnabled()
    if (entries.length === 0) return { version, index: null, entries: new Map() }
    engine ??= (options.engine ?? defaultFaqEngine)()
    const index = buildFaqIndex(entries, engine)
    if (semantic) await semantic.refresh(entries)
    return { version, index, entries: new Map(entries.map((e) => [e.id, e])) }
  }

  async function current(): Promise<Cached> {
    const version = await store.version()
    if (cached?.version === version) return cached
    // One rebuild at a time: concurrent messages after an edit share it.
    building ??= build(version).finally(() => (building = null))
    const next = await building
    if (!cached || next.version !== cached.version) cached = next
    return next
  }

  async function run(text: string, limit?: number): Promise<FaqAnswer> {
    const { index, entries } = await current()
    if (!index) return { match: noEntries(text), entry: null, suggestions: [] }
    const scores = semantic ? await semantic.score(text) : undefined
    const match = matchFaq(index, text, { ...(scores ? { semantic: scores } : {}), limit })
    const entry =
      match.outcome === 'answer' && match.best ? (entries.get(match.best.entryId) ?? null) : null
    const suggestions = match.suggestions
      .map((s) => entries.get(s.entryId))
      .filter((e): e is FaqEntry => e !== undefined)
    return { match, entry, suggestions }
  }

  return {
    answer: (text: string) => run(text),
    /** The staff try-out: the same decision, with more candidates. */
    tryOut: (text: string) => run(text, 5),
    /** An enabled entry by ID (a suggestion the member tapped). */
    async entry(id: number): Promise<FaqEntry | null> {
      return (await current()).entries.get(id) ?? null
    },
    /** The analyser and embedding model in use (null until the first message). */
    describe() {
      return {
        analyser: engine?.analyser.name ?? null,
        embeddings: options.embeddings?.name ?? null,
      }
    },
    /** The confidence needed to answer (the engine's calibration; loads the engine). */
    answerAt(): number {
      engine ??= (options.engine ?? defaultFaqEngine)()
      return engine.calibration.answerAt
    },
    /** True when answers may take a moment (an embedding call per message). */
    slow: semantic !== null,
  }
}
export type FaqAnswerer = ReturnType<typeof createFaqAnswerer>
