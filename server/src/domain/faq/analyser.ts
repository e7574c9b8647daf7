import { toHiragana } from './normalise.ts'

/**
 * Word analysis for FAQ matching, behind a port so that each runtime brings what fits it:
 * - Node: a morphological analyser with a full dictionary (lindera, IPADIC: `server/src/analysis/`),
 *   which knows parts of speech and dictionary forms (停められ → 停める).
 * - Workers: `segmenterAnalyser`, the runtime's own `Intl.Segmenter` (ICU's dictionary word break),
 *   which costs nothing in the bundle but knows no parts of speech or dictionary forms; content
 *   words are told from function words by script and a stop list.
 *
 * A token's `lemma` is folded like the rest of matching (NFKC, lower case, katakana → hiragana) so
 * 「ペイペイ」 and 「ぺいぺい」 are one word.
 */
export interface FaqToken {
  surface: string
  /** Dictionary form, folded. */
  lemma: string
  /** A content word (noun, verb, adjective, unknown word), not a particle, auxiliary or filler. */
  content: boolean
  /** A verb or adjective (only analysers with parts of speech say so). */
  predicate?: boolean
}

export interface FaqAnalyser {
  /** Names the analyser in figures and in the try-out (e.g. `lindera-ipadic`, `intl-segmenter`). */
  readonly name: string
  tokens(text: string): FaqToken[]
}

/** Folds a word for comparison: NFKC, lower case, katakana → hiragana. */
export const foldWord = (word: string) => toHiragana(word.normalize('NFKC').toLowerCase())

/**
 * Verbs, adjectives and nouns that frame a question or a request without saying what it is about
 * (dictionary forms, folded). Both analysers drop them from the content words.
 */
export const FRAME_WORDS = new Set(
  [
    'する',
    'ある',
    'いる',
    'なる',
    'できる',
    '出来る',
    'いう',
    '言う',
    'くる',
    '来る',
    'おる',
    'やる',
    'もらう',
    'もらえる',
    'くれる',
    'くださる',
    'いただく',
    '頂く',
    'いただける',
    '頂ける',
    '願う',
    'お願い',
    '願い',
    '思う',
    '教える',
    '知る',
    '知れる',
    'わかる',
    '分かる',
    '聞く',
    '伺う',
    'よい',
    'いい',
    '良い',
    'ない',
    'ほしい',
    '欲しい',
    'たい',
    'すみません',
    'こと',
    'もの',
    'よう',
    'ため',
    'の',
    'ん',
    'さん',
    'ところ',
    'とこ',
    'どこ',
    'いつ',
    'なん',
    '何',
    'どう',
    'どれ',
    'どの',
    'これ',
    'それ',
    'あれ',
    'こちら',
    'そちら',
    'ここ',
    'そこ',
    '大丈夫',
    '可能',
    '対応',
    '知',
    '伺い',
    'ばいい',
    'たか',
    '方法',
    '場合',
    '感じ',
    'について',
    'ござる',
    'おく',
    'みる',
    'しまう',
    'くらい',
    'ぐらい',
    '今',
    'いま',
    'ちょっと',
    'あの',
    'その',
    'この',
    'えっと',
    'ok',
    'please',
    'the',
    'a',
    'an',
    'to',
    'i',
    'you',
    'your',
    'do',
    'does',
    'is',
    'are',
    'can',
    'my',
    'me',
    'we',
    'it',
    'of',
    'for',
    'in',
    'on',
    'what',
    'how',
    'when',
    'there',
    'this',
    'any',
    'have',
    'get',
    'would',
    'like',
    'should',
  ].map(foldWord),
)

/**
 * Hiragana words ICU's word break returns whole that are endings, auxiliaries or particles
 * (「ですが」, 「すれ」 + 「ばいい」), never a topic: the light analyser does not count them as content.
 */
const HIRAGANA_FUNCTION_WORDS = new Set([
  'ですが',
  'ですか',
  'ですけど',
  'でしょう',
  'しょう',
  'ました',
  'ません',
  'ください',
  'すれ',
  'ばいい',
  'みたい',
  'なの',
  'られる',
  'られ',
  'なんですが',
  'なんです',
  'ちゃう',
  'ちゃった',
  'けれど',
  'けど',
  'ので',
  'から',
  'まで',
  'だけ',
  'など',
  'って',
  'たい',
  'たいです',
  'ほしい',
  'いただけ',
  'もらえ',
  'ござい',
  'あります',
  'ありますか',
  'できます',
  'できますか',
])

const HAS_CONTENT_SCRIPT = /[\p{Script=Han}\p{Script=Katakana}\p{Script=Latin}]/u
const HIRAGANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u

/**
 * The light analyser: ICU word segmentation through `Intl.Segmenter` (Node and workerd both ship
 * it), no dictionary in the bundle. A word is content when it has a kanji, katakana or Latin
 * letter, or is hiragana of 3+ characters, and is not a frame word.
 */
export function segmenterAnalyser(): FaqAnalyser {
  const segmenter = new Intl.Segmenter('ja', { granularity: 'word' })
  return {
    name: 'intl-segmenter',
    tokens(text) {
      const tokens: FaqToken[] = []
      for (const part of segmenter.segment(text.normalize('NFKC'))) {
        if (!part.isWordLike) continue
        const lemma = foldWord(part.segment)
        const content =
          !FRAME_WORDS.has(lemma) &&
          !HIRAGANA_FUNCTION_WORDS.has(lemma) &&
          (HAS_CONTENT_SCRIPT.test(part.segment) ||
            (HIRAGANA_ONLY.test(lemma) && Array.from(lemma).length >= 3))
        tokens.push({ surface: part.segment, lemma, content })
      }
      return tokens
    },
  }
}
