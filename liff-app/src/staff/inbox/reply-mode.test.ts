import { describe, expect, it } from 'vitest'
import { replyModeAt } from './reply-mode.ts'

describe('replyModeAt', () => {
  it('is a free reply while the token is fresh, push from the moment it expires', () => {
    expect(replyModeAt('reply', 60_000, 59_999)).toBe('reply')
    expect(replyModeAt('reply', 60_000, 60_000)).toBe('push')
    expect(replyModeAt('reply', null, 1)).toBe('reply')
  })

  it('stays push when the server says push', () => {
    expect(replyModeAt('push', null, 0)).toBe('push')
    expect(replyModeAt('push', 60_000, 0)).toBe('push')
  })
})
