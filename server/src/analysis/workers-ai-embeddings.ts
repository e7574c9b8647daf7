import type { EmbeddingProvider } from '../domain/faq/semantic.ts'

/**
 * The Workers FAQ embeddings (optional): a multilingual text-embedding model through the Workers
 * AI binding (`[ai] binding = "AI"` in wrangler.toml, FAQ_EMBEDDINGS=workers-ai). Default model
 * `@cf/baai/bge-m3` (multilingual, Japanese included); FAQ_EMBEDDING_MODEL names another.
 */
export interface WorkersAi {
  run(model: string, input: { text: string[] }): Promise<unknown>
}

export const DEFAULT_WORKERS_AI_MODEL = '@cf/baai/bge-m3'

export function workersAiEmbeddings(
  ai: WorkersAi,
  model = DEFAULT_WORKERS_AI_MODEL,
): EmbeddingProvider {
  return {
    name: `workers-ai:${model}`,
    async embed(texts) {
      const result = (await ai.run(model, { text: [...texts] })) as {
        data?: number[][]
        response?: number[][]
      }
      const vectors = result.data ?? result.response
      if (!Array.isArray(vectors) || vectors.length !== texts.length)
        throw new Error(`Workers AI ${model} returned no embeddings for ${texts.length} texts`)
      return vectors.map((v) => Float32Array.from(v))
    },
  }
}
