import type { FaqEntry } from '@joren/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { segmenterAnalyser } from '../../server/src/domain/faq/analyser.ts'
import { createFaqAnswerer } from '../../server/src/domain/faq/answerer.ts'
import type { FaqCalibration } from '../../server/src/domain/faq/calibration.ts'
import { buildFaqIndex, faqEngine, matchFaq } from '../../server/src/domain/faq/matcher.ts'
import { SemanticIndex, type EmbeddingProvider } from '../../server/src/domain/faq/semantic.ts'
import { ChatRouter } from '../../server/src/domain/chat/router.ts'
import { registerSupportChat } from '../../server/src/domain/support/chat.ts'
import type { SupportDeps } from '../../server/src/domain/support/handover.ts'
import { webIds } from '../../server/src/domain/ports.ts'
import { createLineMessagingClient } from '../../server/src/line/messaging-client.ts'
import { startLineStandIn } from '../../server/src/sandbox/line-stand-in/index.ts'
import { workersAiEmbeddings } from '../../server/src/analysis/workers-ai-embeddings.ts'
import { parseConfig } from '../../server/src/config.ts'
import type { LineStandIn } from '../../server/src/sandbox/line-stand-in/types.ts'

/**
 * The optional semantic engine, without a model: no model can be downloaded here, so these tests
 * run the real loading, caching, scoring and combination code over a real implementation of the
 * EmbeddingProvider port whose vectors the test defines — one axis per shop concept, a text's
 * vector counting the concept words in it (so paraphrases that share no word with a phrasing
 * still land close). The figures with a real multilingual model are not measured here.
 */
const CONCEPTS: Record<string, string[]> = {
  parking: ['駐車', 'パーキング', '車', 'クルマ', 'とめ', '停め'],
  hours: ['営業時間', '何時', '開店', '閉店', 'あいて', 'しまる'],
  payment: ['支払', '払', 'カード', 'ペイ', '現金'],
}
const AXES = Object.keys(CONCEPTS)

class ConceptEmbeddings implements EmbeddingProvider {
  readonly name = 'test-concepts'
  embedded: string[] = []
  constructor(private readonly delayMs = 0) {}
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs))
    this.embedded.push(...texts)
    return texts.map((text) =>
      Float32Array.from(
        AXES.map((axis) => CONCEPTS[axis]!.filter((word) => text.includes(word)).length),
      ),
    )
  }
}

const entry = (id: number, questions: string[], answer: string): FaqEntry => ({
  id,
  questions,
  answer,
  enabled: true,
  createdAt: 0,
  updatedAt: 0,
})
const ENTRIES = [
  entry(1, ['駐車場はありますか'], '店舗前に3台分あります。'),
  entry(2, ['営業時間を教えてください'], '9:00〜18:00 です。'),
  entry(3, ['支払い方法を教えてください'], '現金とカードが使えます。'),
]

describe('semantic FAQ scoring (test-made vectors)', () => {
  it('embeds each entry text once, re-embeds only what an edit changed, and scores an entry by its best phrasing', async () => {
    const provider = new ConceptEmbeddings()
    const index = new SemanticIndex(provider)
    await index.refresh(ENTRIES)
    expect(provider.embedded).toEqual(ENTRIES.flatMap((e) => e.questions))
    const scores = await index.score('クルマをとめる場所')
    expect([...scores.entries()].sort((a, b) => b[1] - a[1])[0]).toEqual([1, 1])
    expect(scores.get(2)).toBe(0)

    provider.embedded = []
    await index.refresh([
      { ...ENTRIES[0]!, questions: ['駐車場はありますか', 'パーキングはありますか'] },
      ...ENTRIES.slice(1),
    ])
    expect(provider.embedded).toEqual(['パーキングはありますか'])
  })

  it('without a decision fitted for embeddings, the lexical decision stands and embeddings rank the suggestions', async () => {
    const engine = faqEngine(segmenterAnalyser())
    expect(engine.semanticCalibration).toBeNull()
    const index = buildFaqIndex(ENTRIES, engine)
    const semantic = new SemanticIndex(new ConceptEmbeddings())
    await semantic.refresh(ENTRIES)
    const text = 'クルマでいくのですが、とめるところは'
    const lexical = matchFaq(index, text)
    const combined = matchFaq(index, text, { semantic: await semantic.score(text) })
    expect(combined.outcome).toBe(lexical.outcome)
    expect(combined.confidence).toBe(lexical.confidence)
    expect(combined.outcome).toBe('hand_over')
    expect(combined.suggestions[0]?.entryId).toBe(1)
  })

  it('with a decision fitted for embeddings, a paraphrase sharing no word with the phrasings is answered', async () => {
    const fitted: FaqCalibration = {
      ...faqEngine(segmenterAnalyser()).calibration,
      semanticWeight: 0.7,
      bias: -6,
      weights: { score: 4, margin: 4, ngram: 0, coverage: 0, phrasing: 0, unknown: 0, semantic: 6 },
      answerAt: 0.8,
    }
    const engine = { ...faqEngine(segmenterAnalyser()), semanticCalibration: fitted }
    const index = buildFaqIndex(ENTRIES, engine)
    const semantic = new SemanticIndex(new ConceptEmbeddings())
    await semantic.refresh(ENTRIES)
    const text = 'クルマでいくのですが、とめるところは'
    const match = matchFaq(index, text, { semantic: await semantic.score(text) })
    expect(match.outcome).toBe('answer')
    expect(match.best).toMatchObject({ entryId: 1, semantic: 1 })
    // Unrelated text has no semantic support: still a hand-over.
    const other = 'アルバイトの募集はしていますか'
    expect(matchFaq(index, other, { semantic: await semantic.score(other) }).outcome).toBe(
      'hand_over',
    )
  })

  it('the answerer keeps entry vectors across messages and refreshes them when the entries change', async () => {
    const provider = new ConceptEmbeddings()
    let version = 'v1'
    let entries = ENTRIES
    const answerer = createFaqAnswerer(
      { version: async () => version, listEnabled: async () => entries },
      { embeddings: provider },
    )
    expect(answerer.slow).toBe(true)
    await answerer.answer('駐車場はありますか')
    await answerer.answer('営業時間を教えてください')
    expect(provider.embedded).toEqual([
      ...ENTRIES.flatMap((e) => e.questions),
      '駐車場はありますか',
      '営業時間を教えてください',
    ])
    provider.embedded = []
    version = 'v2'
    entries = [...ENTRIES, entry(4, ['予約はできますか'], 'お電話で承ります。')]
    await answerer.answer('予約はできますか')
    expect(provider.embedded).toEqual(['予約はできますか', '予約はできますか'])
    expect(answerer.describe().embeddings).toBe('test-concepts')
  })
})

describe('LINE loading animation while a slow answer is computed', () => {
  let line: LineStandIn
  beforeAll(async () => {
    line = await startLineStandIn({ rateLimits: false })
  })
  afterAll(() => line.close())

  async function ask(delayMs: number) {
    const messenger = createLineMessagingClient({
      apiBaseUrl: line.url,
      channelAccessToken: line.channelAccessToken,
      ids: webIds,
      logger: { info() {}, warn() {}, error() {} },
    })
    const answerer = createFaqAnswerer(
      { version: async () => 'v', listEnabled: async () => ENTRIES },
      { embeddings: new ConceptEmbeddings(delayMs) },
    )
    const router = registerSupportChat(new ChatRouter(), {
      keywordRules: { listEnabled: async () => [] },
      faq: answerer,
      // The question below is answered: hand-over (and its stores) is never reached.
      support: { conversations: { findByMember: async () => null } } as unknown as SupportDeps,
      loading: { show: (userId, seconds) => messenger.showLoading(userId, seconds), after: 100 },
    })
    const user = line.createUser({ friend: true })
    const member = {
      id: 1,
      lineUserId: user.userId,
      memberNumber: '1',
      displayName: '花子',
      language: 'ja',
      followState: 'following' as const,
    }
    const replies = await router.routeText({ member, now: Date.now() }, '駐車場はありますか')
    return { replies, loading: line.loading(user.userId) }
  }

  it('shows it (validated by the stand-in) when the answer takes longer than a moment, and not otherwise', async () => {
    const slow = await ask(600)
    expect(slow.replies[0]).toMatchObject({ type: 'text', text: '店舗前に3台分あります。' })
    expect(slow.loading).toEqual([{ seconds: 10, at: expect.any(Number) }])
    const fast = await ask(0)
    expect(fast.replies[0]).toMatchObject({ type: 'text', text: '店舗前に3台分あります。' })
    expect(fast.loading).toEqual([])
  })
})

describe('embedding providers', () => {
  it('Workers AI: one call per batch through the AI binding, vectors in order; a short answer is an error', async () => {
    const calls: { model: string; text: string[] }[] = []
    const ai = {
      run: async (model: string, input: { text: string[] }) => {
        calls.push({ model, text: input.text })
        return { shape: [input.text.length, 2], data: input.text.map((t) => [t.length, 1]) }
      },
    }
    const provider = workersAiEmbeddings(ai)
    expect(provider.name).toBe('workers-ai:@cf/baai/bge-m3')
    expect((await provider.embed(['あ', 'いい'])).map((v) => [...v])).toEqual([
      [1, 1],
      [2, 1],
    ])
    expect(calls).toEqual([{ model: '@cf/baai/bge-m3', text: ['あ', 'いい'] }])
    const broken = workersAiEmbeddings({ run: async () => ({ data: [] }) }, '@cf/test/model')
    await expect(broken.embed(['あ'])).rejects.toThrow(/no embeddings/)
  })

  it('ONNX on Node: off by default; turning it on without a model directory stops the start with its name', () => {
    expect(parseConfig({}).FAQ_EMBEDDINGS).toBe('off')
    expect(() => parseConfig({ FAQ_EMBEDDINGS: 'onnx' })).toThrow(/FAQ_EMBEDDING_MODEL/)
    expect(() => parseConfig({ FAQ_EMBEDDINGS: 'bert' })).toThrow(/FAQ_EMBEDDINGS/)
  })
})
