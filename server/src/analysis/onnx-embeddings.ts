import { basename, dirname, resolve } from 'node:path'
import type { EmbeddingProvider } from '../domain/faq/semantic.ts'

/**
 * Node's optional FAQ embeddings: a local ONNX sentence-embedding model the operator points to
 * (FAQ_EMBEDDINGS=onnx, FAQ_EMBEDDING_MODEL=<directory with the model and its tokenizer>, e.g. a
 * multilingual-e5-small export), run in-process by `@huggingface/transformers` (onnxruntime).
 * Nothing is downloaded: remote models are switched off. The library is not a dependency of
 * Joren (it brings ~100 MB of native runtime); an operator who turns embeddings on installs it
 * with `npm install @huggingface/transformers`.
 */

interface Tensor {
  tolist(): number[][]
}
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string }
  pipeline(
    task: 'feature-extraction',
    model: string,
    options: { local_files_only: boolean },
  ): Promise<(texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<Tensor>>
}

const MODULE = '@huggingface/transformers'

export async function loadOnnxEmbeddings(modelDir: string): Promise<EmbeddingProvider> {
  let transformers: TransformersModule
  try {
    transformers = (await import(/* @vite-ignore */ MODULE)) as TransformersModule
  } catch (error) {
    throw new Error(
      `FAQ_EMBEDDINGS=onnx needs ${MODULE}: run "npm install ${MODULE}" (or set FAQ_EMBEDDINGS=off)`,
      { cause: error },
    )
  }
  const dir = resolve(modelDir)
  transformers.env.allowRemoteModels = false
  transformers.env.allowLocalModels = true
  transformers.env.localModelPath = dirname(dir)
  const extract = await transformers.pipeline('feature-extraction', basename(dir), {
    local_files_only: true,
  })
  return {
    name: `onnx:${basename(dir)}`,
    async embed(texts) {
      const output = await extract([...texts], { pooling: 'mean', normalize: true })
      return output.tolist().map((v) => Float32Array.from(v))
    },
  }
}
