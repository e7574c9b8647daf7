import { describe, expect, it } from 'vitest'
import { readAction } from './actions.ts'

const uri = (u: string) => readAction({ type: 'uri', label: '会員証を開く', uri: u })

describe('links the bot sends into the mini-app', () => {
  it('opens every form the product uses in the sandbox mini-app, path and query kept', () => {
    expect(uri('https://liff.line.me/1657000000-AbCdEfGh/card')).toEqual({
      kind: 'liff',
      label: '会員証を開く',
      path: '/card',
    })
    expect(uri('https://miniapp.line.me/1657000000-AbCdEfGh/coupons/12')).toMatchObject({
      kind: 'liff',
      path: '/coupons/12',
    })
    expect(uri('http://localhost:8787/liff/surveys/3?from=chat')).toMatchObject({
      kind: 'liff',
      path: '/surveys/3?from=chat',
    })
    expect(uri('http://127.0.0.1:40123/liff/')).toMatchObject({ kind: 'liff', path: '/' })
    expect(uri('http://localhost:8787/liff')).toMatchObject({ kind: 'liff', path: '/' })
  })

  it('leaves other pages as web links and refuses other schemes', () => {
    expect(uri('https://example.com/liff/card')).toMatchObject({ kind: 'uri' })
    expect(uri('http://localhost:8787/staff/')).toMatchObject({ kind: 'uri' })
    expect(uri('https://liff.line.me.evil.example/x/card')).toMatchObject({ kind: 'uri' })
    expect(uri('javascript:alert(1)')).toMatchObject({ kind: 'unsupported' })
  })
})
