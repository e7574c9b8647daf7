import type { FaqAnswererOptions } from '../domain/faq/answerer.ts'
import { faqEngine, type FaqEngine } from '../domain/faq/matcher.ts'
import { loadLinderaAnalyser } from './lindera-analyser.ts'

let engine: FaqEngine | null = null

/**
 * Node's FAQ engine: lindera (IPADIC) words + synonyms + character n-grams, loaded on the first
 * FAQ message or try-out (~1.2 s, ~130 MB RSS) and shared by every server in the process.
 */
export function nodeFaqEngine(): FaqEngine {
  engine ??= faqEngine(loadLinderaAnalyser())
  return engine
}

export const nodeFaqOptions: FaqAnswererOptions = { engine: nodeFaqEngine }
