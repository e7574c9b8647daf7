import { describe, expect, it } from 'vitest'
import { readLiffState } from './liff-state.ts'

describe('readLiffState', () => {
  it('reads the deep-linked path and its query from liff.state', () => {
    expect(readLiffState('?liff.state=%2Fcard')).toBe('/card')
    expect(readLiffState('?liff.state=%2Fprofile%3Ffrom%3Dmenu')).toBe('/profile?from=menu')
  })

  it('ignores a missing state and anything that could leave the app', () => {
    expect(readLiffState('')).toBeNull()
    expect(readLiffState('?liff.state=https%3A%2F%2Fevil.example')).toBeNull()
    expect(readLiffState('?liff.state=%2F%2Fevil.example')).toBeNull()
    expect(readLiffState('?liff.state=%2F..%2Fstaff')).toBeNull()
  })
})
