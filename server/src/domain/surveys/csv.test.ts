import { SurveyQuestionsSchema } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { csvField, csvHeader, csvRow } from './csv.ts'

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('ふつう')).toBe('ふつう')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('「最高」"です"')).toBe('"「最高」""です"""')
    expect(csvField('一行目\n二行目')).toBe('"一行目\n二行目"')
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('-3')).toBe("'-3")
  })

  it('writes a header of Japanese labels and one cell per question', () => {
    const questions = SurveyQuestionsSchema.parse([
      {
        id: 'm',
        type: 'multiple',
        label: '好きなもの, 複数',
        options: [
          { id: 'a', label: '抹茶' },
          { id: 'b', label: 'ほうじ茶' },
        ],
      },
      { id: 'r', type: 'rating', label: '満足度' },
    ])
    expect(csvHeader(questions)).toBe('会員番号,回答日時,"好きなもの, 複数",満足度\r\n')
    expect(
      csvRow(
        questions,
        {
          memberNumber: '1234567890',
          submittedAt: Date.parse('2026-11-20T05:04:03Z'),
          answers: { m: ['a', 'b'], r: 4 },
        },
        'Asia/Tokyo',
      ),
    ).toBe('1234567890,2026/11/20 14:04:03,抹茶、ほうじ茶,4\r\n')
  })
})
