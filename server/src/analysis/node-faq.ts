import type { Logger } from '../domain/ports.ts'
import type { FaqAnswererOptions } from '../domain/faq/answerer.ts'
import { faqEngine, type FaqEngine } from '../domain/faq/matcher.ts'
import { loadLinderaAnalyser } from './lindera-analyser.ts'
import { loadOnnxEmbeddings } from './onnx-embeddings.ts'

let engine: FaqEngine | null = null

/**
 * Node's FAQ engine: lindera (IPADIC) words + synonyms + character n-grams, loaded on the first
 * FAQ message or try-out (~1.2 s, ~130 MB RSS) and shared by every server in the process.
 */
export function nodeFaqEngine(): FaqEngine {
  engine ??= faqEngine(loadLinderaAnalyser())
  return engine
}

/** Loads the FAQ engine now (at start, before any message can wait for it) and says how long it took. */
export function warmNodeFaq(logger: Logger): void {
  const started = performance.now()
  nodeFaqEngine()
  logger.info('FAQ analyser loaded', { ms: Math.round(performance.now() - started) })
}

export const nodeFaqOptions: FaqAnswererOptions = { engine: nodeFaqEngine }

/** Node's FAQ options for this configuration: lindera, plus the ONNX embeddings when turned on. */
export async function nodeFaqOptionsFor(config: {
  FAQ_EMBEDDINGS: 'off' | 'onnx' | 'workers-ai'
  FAQ_EMBEDDING_MODEL?: string | undefined
}): Promise<FaqAnswererOptions> {
  if (config.FAQ_EMBEDDINGS === 'off') return nodeFaqOptions
  if (config.FAQ_EMBEDDINGS === 'workers-ai' || config.FAQ_EMBEDDING_MODEL === undefined)
    throw new Error('FAQ_EMBEDDINGS=workers-ai works on Workers only; on Node use onnx')
  return { ...nodeFaqOptions, embeddings: await loadOnnxEmbeddings(config.FAQ_EMBEDDING_MODEL) }
}
