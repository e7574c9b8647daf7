import { describe, expect, it } from 'vitest'
import {
  countAnswered,
  normalizeSurveyAnswers,
  npsBand,
  npsScore,
  publicQuestions,
  SurveyDefinitionSchema,
  SURVEY_SCALE_LABELS,
  SurveyQuestionsSchema,
  surveyScaleLabels,
  validateSurveyAnswers,
  type SurveyQuestion,
  type SurveyQuestionInput,
} from './surveys.ts'

const input: SurveyQuestionInput[] = [
  {
    id: 'visit',
    type: 'single',
    label: 'ご来店の目的は？',
    options: [
      { id: 'eat', label: 'お食事', mapping: { tags: ['食事目的'] } },
      { id: 'cafe', label: 'カフェ' },
    ],
  },
  {
    id: 'likes',
    type: 'multiple',
    label: 'お好きなメニュー',
    required: false,
    minChoices: 2,
    maxChoices: 3,
    options: [
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B' },
      { id: 'c', label: 'C' },
      { id: 'd', label: 'D' },
    ],
  },
  { id: 'stars', type: 'rating', label: '満足度' },
  { id: 'nps', type: 'nps', label: 'おすすめ度' },
  { id: 'comment', type: 'text', label: 'ご意見', required: false, maxLength: 10 },
  { id: 'when', type: 'date', label: 'ご来店日', required: false },
]
const questions: SurveyQuestion[] = SurveyQuestionsSchema.parse(input)

const valid = {
  visit: 'eat',
  likes: ['a', 'b'],
  stars: 4,
  nps: 9,
  comment: 'おいしい',
  when: '2026-04-01',
}

describe('validateSurveyAnswers', () => {
  it('accepts a complete, well-formed set of answers', () => {
    expect(validateSurveyAnswers(questions, valid, { requireAll: true })).toEqual({})
  })

  it('names each missing required question only when requireAll is set', () => {
    const errors = validateSurveyAnswers(questions, { visit: 'eat' }, { requireAll: true })
    expect(errors).toEqual({ stars: 'この質問は回答必須です', nps: 'この質問は回答必須です' })
    expect(validateSurveyAnswers(questions, { visit: 'eat' }, { requireAll: false })).toEqual({})
  })

  it('treats blank text, null and empty selections as unanswered', () => {
    const errors = validateSurveyAnswers(
      questions,
      { ...valid, visit: '   ', stars: null, likes: [], comment: '' },
      { requireAll: true },
    )
    expect(errors).toEqual({ visit: 'この質問は回答必須です', stars: 'この質問は回答必須です' })
  })

  it('refuses choice IDs the question does not have', () => {
    expect(
      validateSurveyAnswers(questions, { ...valid, visit: 'bar' }, { requireAll: true }),
    ).toEqual({ visit: '選択肢が正しくありません' })
    expect(
      validateSurveyAnswers(questions, { ...valid, likes: ['a', 'zzz'] }, { requireAll: true }),
    ).toEqual({ likes: '選択肢が正しくありません' })
    expect(
      validateSurveyAnswers(questions, { ...valid, visit: ['eat'] }, { requireAll: true }),
    ).toEqual({ visit: '選択肢を1つ選んでください' })
  })

  it('enforces min and max choices and refuses duplicates', () => {
    const check = (likes: string[]) =>
      validateSurveyAnswers(questions, { ...valid, likes }, { requireAll: true }).likes
    expect(check(['a'])).toBe('2つ以上選んでください')
    expect(check(['a', 'b', 'c', 'd'])).toBe('3つまで選べます')
    expect(check(['a', 'a'])).toBe('同じ選択肢が重複しています')
    expect(check(['a', 'b', 'c'])).toBeUndefined()
  })

  it('refuses out-of-range and fractional ratings and NPS scores', () => {
    const check = (stars: unknown, nps: unknown) =>
      validateSurveyAnswers(
        questions,
        { ...valid, stars: stars as number, nps: nps as number },
        { requireAll: true },
      )
    expect(check(0, 11)).toEqual({
      stars: '1〜5 の中から選んでください',
      nps: '0〜10 の中から選んでください',
    })
    expect(check(6, -1)).toEqual({
      stars: '1〜5 の中から選んでください',
      nps: '0〜10 の中から選んでください',
    })
    expect(check(2.5, '9')).toEqual({
      stars: '1〜5 の中から選んでください',
      nps: '0〜10 の中から選んでください',
    })
    expect(check(1, 0)).toEqual({})
    expect(check(5, 10)).toEqual({})
  })

  it('counts text length in characters (not UTF-16 units) and says how long it is', () => {
    expect(
      validateSurveyAnswers(
        questions,
        { ...valid, comment: '🍣'.repeat(10) },
        { requireAll: true },
      ),
    ).toEqual({})
    expect(
      validateSurveyAnswers(
        questions,
        { ...valid, comment: 'あ'.repeat(11) },
        { requireAll: true },
      ),
    ).toEqual({ comment: '10文字以内で入力してください（今は11文字）' })
  })

  it('refuses impossible or malformed dates', () => {
    for (const when of ['2026-02-30', '2026/04/01', 'tomorrow'])
      expect(validateSurveyAnswers(questions, { ...valid, when }, { requireAll: true }).when).toBe(
        '日付を正しく入力してください（例: 2026-04-01）',
      )
  })

  it('refuses answers to questions the survey does not have', () => {
    expect(
      validateSurveyAnswers(questions, { ...valid, ghost: 'x' }, { requireAll: true }),
    ).toEqual({ ghost: 'この質問はアンケートにありません' })
  })
})

describe('survey definitions', () => {
  it('refuses duplicate question and option IDs and impossible choice limits', () => {
    const result = SurveyDefinitionSchema.safeParse({
      title: '満足度調査',
      questions: [
        { id: 'q', type: 'rating', label: 'A' },
        {
          id: 'q',
          type: 'multiple',
          label: 'B',
          minChoices: 3,
          maxChoices: 2,
          options: [
            { id: 'x', label: 'X' },
            { id: 'x', label: 'Y' },
          ],
        },
      ],
    })
    expect(result.success).toBe(false)
    const messages = result.error?.issues.map((i) => i.message) ?? []
    expect(messages).toContain('質問 ID「q」が重複しています')
    expect(messages).toContain('選択肢 ID「x」が重複しています')
    expect(messages).toContain('選べる数の下限は上限以下にしてください')
  })

  it('applies the defaults: once per member, NPS ≤ 6 and rating ≤ 2 alert', () => {
    const parsed = SurveyDefinitionSchema.parse({
      title: 't',
      questions: [{ id: 'q', type: 'nps', label: 'おすすめ度' }],
    })
    expect(parsed.policy).toEqual({ kind: 'once' })
    expect(parsed.alerts).toEqual({ npsAtOrBelow: 6, ratingAtOrBelow: 2 })
    expect(parsed.questions[0]?.required).toBe(true)
  })
})

describe('helpers', () => {
  it('computes NPS bands and the score (5 promoters, 3 passives, 2 detractors → 30)', () => {
    expect([10, 9, 8, 7, 6, 0].map(npsBand)).toEqual([
      'promoter',
      'promoter',
      'passive',
      'passive',
      'detractor',
      'detractor',
    ])
    expect(npsScore({ promoters: 5, passives: 3, detractors: 2 })).toBe(30)
    expect(npsScore({ promoters: 0, passives: 0, detractors: 0 })).toBeNull()
  })

  it('strips mappings for members, counts progress and normalizes answers', () => {
    const shown = publicQuestions(questions)[0]
    expect(shown?.type === 'single' && shown.options[0]).toEqual({ id: 'eat', label: 'お食事' })
    expect(countAnswered(questions, { visit: 'eat', stars: null, comment: ' ' })).toBe(1)
    expect(
      normalizeSurveyAnswers(questions, { visit: 'eat', comment: '  よい ', stars: null }),
    ).toEqual({
      visit: 'eat',
      comment: 'よい',
    })
  })
})

describe('scale end labels (one source for chat and mini-app)', () => {
  it('defaults per locale for rating and NPS, the staff words when set', () => {
    const rating = { type: 'rating', lowLabel: undefined, highLabel: undefined } as const
    const nps = { type: 'nps', lowLabel: '', highLabel: '  ' } as const
    expect(surveyScaleLabels(rating, 'ja')).toEqual({ low: 'とても不満', high: 'とても満足' })
    expect(surveyScaleLabels(rating, 'en')).toEqual({
      low: 'Very dissatisfied',
      high: 'Very satisfied',
    })
    // Blank labels fall back to the defaults, like an omitted one.
    expect(surveyScaleLabels(nps, 'ja')).toEqual(SURVEY_SCALE_LABELS.ja.nps)
    expect(surveyScaleLabels(nps, 'en')).toEqual({
      low: 'Not at all likely',
      high: 'Extremely likely',
    })
    expect(
      surveyScaleLabels({ type: 'rating', lowLabel: '悪い', highLabel: '良い' }, 'en'),
    ).toEqual({ low: '悪い', high: '良い' })
  })
})
