import { createRequire } from 'node:module'
import { foldWord, FRAME_WORDS, type FaqAnalyser, type FaqToken } from '../domain/faq/analyser.ts'

/**
 * The Node FAQ analyser: lindera (a maintained Rust morphological analyser compiled to
 * WebAssembly) with the IPADIC dictionary embedded in its npm package
 * `lindera-wasm-nodejs-ipadic`. Loading compiles ~13 MB of WebAssembly and unpacks the
 * dictionary: about 1.2 s and ~130 MB RSS once per process (measured in `npm run bench -- faq`),
 * then ~0.1–0.8 ms per message. Too large for the Worker bundle (~12 MB compressed), which uses
 * `segmenterAnalyser` instead.
 */

interface LinderaToken {
  surface: string
  baseForm?: string
  partOfSpeech?: string
  partOfSpeechSubcategory1?: string
}
interface LinderaTokenizer {
  tokenize(text: string): LinderaToken[]
}
interface LinderaModule {
  TokenizerBuilder: new () => {
    setDictionary(uri: string): void
    setMode(mode: string): void
    build(): LinderaTokenizer
  }
}

/** IPADIC noun subcategories that are not topic words (pronouns, numbers, dependent nouns). */
const NON_CONTENT_NOUNS = new Set(['代名詞', '数', '非自立', '接尾', '特殊'])

export function tokenOf(t: LinderaToken): FaqToken {
  const base = t.baseForm && t.baseForm !== '*' ? t.baseForm : t.surface
  const lemma = foldWord(base)
  const pos = t.partOfSpeech ?? 'UNK'
  const sub = t.partOfSpeechSubcategory1 ?? '*'
  let content: boolean
  if (pos === 'UNK') content = /\p{L}/u.test(t.surface)
  else if (pos === '名詞') content = !NON_CONTENT_NOUNS.has(sub)
  else if (pos === '動詞' || pos === '形容詞') content = sub === '自立'
  else content = false
  if (FRAME_WORDS.has(lemma)) content = false
  return { surface: t.surface, lemma, content, predicate: pos === '動詞' || pos === '形容詞' }
}

/** Loads lindera (slow: call once per process, at start, and share the analyser). */
export function loadLinderaAnalyser(): FaqAnalyser {
  const require = createRequire(import.meta.url)
  const lindera = require('lindera-wasm-nodejs-ipadic') as LinderaModule
  const builder = new lindera.TokenizerBuilder()
  builder.setDictionary('embedded://ipadic')
  builder.setMode('normal')
  const tokenizer = builder.build()
  return {
    name: 'lindera-ipadic',
    tokens(text) {
      const normalised = text.normalize('NFKC')
      if (normalised.trim().length === 0) return []
      return tokenizer.tokenize(normalised).map(tokenOf)
    },
  }
}
