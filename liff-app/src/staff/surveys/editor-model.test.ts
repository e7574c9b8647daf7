import { SurveyDefinitionSchema, type StaffSurvey } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import {
  EMPTY_FORM,
  changeType,
  checkForm,
  emptyQuestion,
  move,
  nextId,
  shopDate,
  toDefinition,
  toForm,
  type SurveyForm,
} from './editor-model.ts'

function filledForm(): SurveyForm {
  const single = emptyQuestion('single', [])
  single.label = 'ご来店の目的は？'
  single.options[0] = { ...single.options[0]!, label: 'ランチ', tags: 'ランチ客, 平日' }
  single.options[1] = {
    ...single.options[1]!,
    label: 'カフェ',
    attributes: [{ key: 'visit_purpose', value: 'カフェ' }],
  }
  const multiple = changeType(emptyQuestion('single', ['q1']), 'multiple')
  multiple.label = '好きなメニュー'
  multiple.options = multiple.options.map((o, i) => ({ ...o, label: `メニュー${i + 1}` }))
  multiple.maxChoices = '2'
  const nps = { ...emptyQuestion('nps', ['q1', 'q2']), label: 'おすすめ度' }
  const memo = { ...emptyQuestion('text', ['q1', 'q2', 'q3']), label: 'ご意見', maxLength: '200' }
  memo.required = false
  return {
    ...EMPTY_FORM,
    title: '満足度アンケート',
    questions: [single, multiple, nps, memo],
    rewardTemplateId: '7',
    policy: 'every_n_days',
    policyDays: '90',
    opensOn: '2026-12-01',
    closesOn: '2026-12-31',
  }
}

describe('toDefinition', () => {
  it('builds a definition the shared schema accepts, with mappings, limits and JST dates', () => {
    const definition = toDefinition(filledForm())
    const parsed = SurveyDefinitionSchema.parse(definition)
    expect(parsed.questions.map((q) => [q.id, q.type])).toEqual([
      ['q1', 'single'],
      ['q2', 'multiple'],
      ['q3', 'nps'],
      ['q4', 'text'],
    ])
    const single = parsed.questions[0]
    expect(single?.type === 'single' && single.options.map((o) => o.mapping)).toEqual([
      { tags: ['ランチ客', '平日'] },
      { attributes: [{ key: 'visit_purpose', value: 'カフェ' }] },
    ])
    expect(parsed.questions[1]).toMatchObject({ minChoices: null, maxChoices: 2 })
    expect(parsed.questions[3]).toMatchObject({ maxLength: 200, required: false })
    expect(parsed.rewardTemplateId).toBe(7)
    expect(parsed.policy).toEqual({ kind: 'every_n_days', days: 90 })
    expect(parsed.opensAt).toBe(Date.parse('2026-11-30T15:00:00Z'))
    expect(parsed.closesAt).toBe(Date.parse('2026-12-31T14:59:59.999Z'))
  })

  it('round-trips through a saved survey', () => {
    const definition = SurveyDefinitionSchema.parse(toDefinition(filledForm()))
    const saved = {
      ...definition,
      id: 1,
      status: 'draft',
      currentVersionId: 1,
      version: 1,
      versions: [],
      responseCount: 0,
      liffUrl: '',
      createdAt: 0,
      updatedAt: 0,
    } satisfies StaffSurvey
    expect(SurveyDefinitionSchema.parse(toDefinition(toForm(saved)))).toEqual(definition)
    expect(toForm(saved).opensOn).toBe('2026-12-01')
    expect(toForm(saved).closesOn).toBe('2026-12-31')
  })
})

describe('checkForm', () => {
  it('names the fields to fix, by path, in Japanese', () => {
    const form = filledForm()
    form.title = ''
    form.questions[0]!.options[1]!.label = ''
    form.questions[1]!.maxChoices = '5'
    const errors = checkForm(form)
    expect(errors.title).toBe('タイトルを入力してください')
    expect(errors['questions.0.options.1.label']).toBe('選択肢を入力してください')
    expect(errors['questions.1.maxChoices']).toMatch(/選択肢の数以下/)
  })

  it('accepts a complete form', () => {
    expect(checkForm(filledForm())).toEqual({})
  })
})

describe('editing helpers', () => {
  it('gives new questions and options IDs not taken yet', () => {
    expect(nextId('q', ['q1', 'q3'])).toBe('q2')
    expect(emptyQuestion('rating', ['q1', 'q2']).id).toBe('q3')
  })

  it('keeps options between choice types and drops them for other types', () => {
    const single = emptyQuestion('single', [])
    single.options[0]!.label = 'A'
    expect(changeType(single, 'multiple').options[0]?.label).toBe('A')
    expect(changeType(single, 'nps').options).toEqual([])
    expect(changeType(changeType(single, 'nps'), 'single').options).toHaveLength(2)
  })

  it('moves an item up and down and ignores moves past the ends', () => {
    expect(move(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b'])
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c'])
    expect(move(['a', 'b'], 0, -1)).toEqual(['a', 'b'])
  })

  it('shows dates in the shop zone', () => {
    expect(shopDate(Date.parse('2026-11-30T15:00:00Z'))).toBe('2026-12-01')
  })
})
