/**
 * The optional semantic part of FAQ matching: text embeddings from a provider (Workers AI's
 * multilingual model through the `AI` binding, or a local ONNX model on Node — see
 * server/src/analysis/), compared by cosine similarity. Off unless the operator configures a
 * provider; never needed to start.
 *
 * Entry vectors are cached by text: when staff edit an entry, only the texts that changed are
 * embedded again (`SemanticIndex.refresh`), and a message costs one embedding call.
 */
export interface EmbeddingProvider {
  /** Names the model in the try-out and in figures. */
  readonly name: string
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>
}

export interface SemanticSource {
  id: number
  questions: readonly string[]
}

/** At most this many texts per provider call (Workers AI takes up to 100). */
const BATCH = 50
/** Vectors kept for texts no entry uses any more, before the cache is cleared. */
const STALE_LIMIT = 2000

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}

export class SemanticIndex {
  private readonly vectors = new Map<string, Float32Array>()
  private entries: { id: number; texts: string[] }[] = []
  /** Provider calls made (for tests and the bench). */
  calls = 0

  constructor(readonly provider: EmbeddingProvider) {}

  private async embedMissing(texts: readonly string[]): Promise<void> {
    const missing = [...new Set(texts)].filter((t) => !this.vectors.has(t))
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH)
      this.calls++
      const vectors = await this.provider.embed(batch)
      if (vectors.length !== batch.length)
        throw new Error(`embedding provider returned ${vectors.length} vectors for ${batch.length}`)
      batch.forEach((text, j) => this.vectors.set(text, vectors[j]!))
    }
  }

  /** Makes the index match `entries`, embedding only texts it has not seen. */
  async refresh(entries: readonly SemanticSource[]): Promise<void> {
    const next = entries.map((e) => ({ id: e.id, texts: [...e.questions] }))
    const wanted = new Set(next.flatMap((e) => e.texts))
    if (this.vectors.size > wanted.size + STALE_LIMIT)
      for (const text of this.vectors.keys()) if (!wanted.has(text)) this.vectors.delete(text)
    await this.embedMissing([...wanted])
    this.entries = next
  }

  /** Each entry's best similarity (clamped to 0–1) to `text` over its phrasings. */
  async score(text: string): Promise<Map<number, number>> {
    this.calls++
    const [query] = await this.provider.embed([text])
    const scores = new Map<number, number>()
    if (!query) return scores
    for (const entry of this.entries) {
      let best = 0
      for (const t of entry.texts) {
        const v = this.vectors.get(t)
        if (v) best = Math.max(best, cosineSimilarity(query, v))
      }
      scores.set(entry.id, Math.max(0, Math.min(1, best)))
    }
    return scores
  }
}
