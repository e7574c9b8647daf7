/**
 * Folding Japanese chat text so that the same words compare equal however they were typed.
 *
 * `foldText` (keyword rules, commands): NFKC (half-width katakana → full width, full-width Latin
 * and digits → ASCII), lower case, katakana → hiragana, whitespace removed. Punctuation is kept
 * so that a staff regex can still use it.
 *
 * `normaliseQuestion` (FAQ matching) goes further: punctuation and symbols go, a few common
 * readings of shop words typed in kana are written in kanji, and greetings / polite or question
 * endings that say nothing about the topic are cut, so 「駐車場ありますか？」 and 「ちゅうしゃじょう
 * ある？」 reduce to nearly the same characters.
 */

const KATAKANA_START = 0x30a1
const KATAKANA_END = 0x30f6
const KANA_OFFSET = 0x60

/** Katakana → hiragana (ァ–ヶ); the long-vowel mark ー and other characters are kept. */
export function toHiragana(text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    out += cp >= KATAKANA_START && cp <= KATAKANA_END ? String.fromCodePoint(cp - KANA_OFFSET) : ch
  }
  return out
}

/** One character folded like messages are (used on regex literals). */
export function foldChar(ch: string): string {
  return toHiragana(ch.normalize('NFKC').toLowerCase())
}

/** For keyword rules and commands: width, case and kana folded, whitespace removed. */
export function foldText(text: string): string {
  return toHiragana(text.normalize('NFKC').toLowerCase()).replace(/\s+/gu, '')
}

/**
 * Shop words customers often type in kana (after katakana → hiragana). Spelled in kanji so they
 * share n-grams with FAQ entries written in kanji. Longest first, so a longer reading wins.
 */
const READINGS: [string, string][] = (
  [
    ['ちゅうしゃじょう', '駐車場'],
    ['ちゅーしゃじょー', '駐車場'],
    ['ちゅーしゃじょう', '駐車場'],
    ['ちゅうしゃ', '駐車'],
    ['ちゅうりん', '駐輪'],
    ['えいぎょうじかん', '営業時間'],
    ['えいぎょう', '営業'],
    ['じかん', '時間'],
    ['ていきゅうび', '定休日'],
    ['やすみ', '休み'],
    ['よやく', '予約'],
    ['ゆうこうきげん', '有効期限'],
    ['きげん', '期限'],
    ['かいいんしょう', '会員証'],
    ['かいいんしょー', '会員証'],
    ['しはらい', '支払い'],
    ['はらえ', '払え'],
    ['へんぴん', '返品'],
    ['こうかん', '交換'],
    ['はいそう', '配送'],
    ['そうりょう', '送料'],
    ['ほうそう', '包装'],
    ['とりおき', '取り置き'],
    ['とりおけ', '取り置け'],
    ['もちかえり', '持ち帰り'],
    ['りょうしゅうしょ', '領収書'],
    ['でんげん', '電源'],
    ['ばしょ', '場所'],
    ['じゅうしょ', '住所'],
    ['こづれ', '子連れ'],
    ['こども', '子ども'],
    ['いぬ', '犬'],
    ['つかいかた', '使い方'],
    ['つかえ', '使え'],
    ['おしえて', '教えて'],
  ] as [string, string][]
).sort((a, b) => b[0].length - a[0].length)

/**
 * Shop words typed in hiragana written in kanji, in otherwise unfolded text (for the word
 * analysers, which need the katakana and kanji as typed).
 */
export function spellReadings(text: string): string {
  let s = text
  for (const [kana, kanji] of READINGS) {
    s = s.split(kana).join(kanji)
    s = s.split(toKatakana(kana)).join(kanji)
  }
  return s
}

function toKatakana(text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    out +=
      cp >= KATAKANA_START - KANA_OFFSET && cp <= KATAKANA_END - KANA_OFFSET
        ? String.fromCodePoint(cp + KANA_OFFSET)
        : ch
  }
  return out
}

/** Greetings and fillers that carry no topic, removed wherever they appear. */
const FILLERS = [
  'すみません',
  'すいません',
  'こんにちは',
  'こんばんは',
  'おはようございます',
  'お願いします',
  'おねがいします',
  'お願いできますか',
  'よろしくお願いします',
  '教えてください',
  '教えてほしい',
  '教えて',
  '知りたいです',
  '知りたい',
  'しりたい',
  'わかりません',
  'わからない',
]

/** Polite / question endings, cut from the end repeatedly (longest first). */
const ENDINGS = [
  'でしょうか',
  'のですが',
  'んですが',
  'んですけど',
  'ですけど',
  'ですが',
  'ですか',
  'ますか',
  'ませんか',
  'ください',
  'かな',
  'です',
  'ます',
  'けど',
  'のか',
  'の',
  'か',
  'ね',
  'よ',
  'な',
].sort((a, b) => b.length - a.length)

/** FAQ matching: `foldText`, then no punctuation, kana readings in kanji, no fillers or endings. */
export function normaliseQuestion(text: string): string {
  let s = foldText(text).replace(/[\p{P}\p{S}]/gu, '')
  for (const [kana, kanji] of READINGS) s = s.split(kana).join(kanji)
  for (const filler of FILLERS) s = s.split(filler).join('')
  for (let cut = true; cut && s.length > 2; ) {
    cut = false
    for (const ending of ENDINGS) {
      if (s.length - ending.length >= 2 && s.endsWith(ending)) {
        s = s.slice(0, -ending.length)
        cut = true
        break
      }
    }
  }
  return s
}
