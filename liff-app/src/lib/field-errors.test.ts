import { ProfileUpdateSchema } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { fieldErrors } from './field-errors.ts'

const fallback = (field: string) => `check ${field}`

describe('fieldErrors', () => {
  it('gives each field its first message, keeping the schema’s Japanese in Japanese', () => {
    const parsed = ProfileUpdateSchema.safeParse({
      birthday: '1899-12-31',
      gender: 'robot',
      prefecture: null,
      interests: [],
      marketingConsent: true,
    })
    expect(parsed.success).toBe(false)
    const errors = fieldErrors(parsed.error?.issues ?? [], 'ja', fallback)
    expect(errors.birthday).toBe('生年月日を確認してください')
    // zod's own default message is English: the catalogue's message is shown instead.
    expect(errors.gender).toBe('check gender')
  })

  it('uses the catalogue in English and reads server details paths', () => {
    const errors = fieldErrors(
      [{ path: 'interests.0', message: '興味の ID が正しくありません' }],
      'en',
      fallback,
    )
    expect(errors).toEqual({ interests: 'check interests' })
  })
})
