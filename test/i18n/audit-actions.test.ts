import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { staffEn } from '../../liff-app/src/i18n/staff-en.ts'
import { staffJa } from '../../liff-app/src/i18n/staff-ja.ts'

const DOMAIN = fileURLToPath(new URL('../../server/src/domain/', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** Every audit action the server writes: `action: '…'` and the `audit(actor, '…', …)` helpers. */
function auditActions(): string[] {
  const found = new Set<string>()
  for (const file of sources(DOMAIN)) {
    const text = readFileSync(file, 'utf8')
    for (const line of text.split('\n').filter((l) => /\baction:\s/.test(l))) {
      for (const m of line.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)) found.add(m[1]!)
    }
    for (const m of text.matchAll(/\baudit\(\s*\w+(?:\.\w+)?\s*,\s*'([a-z_]+\.[a-z_.]+)'/g)) {
      found.add(m[1]!)
    }
  }
  return [...found].sort()
}

describe('the audit log reads in words, not codes', () => {
  it('finds the actions the server writes', () => {
    const actions = auditActions()
    expect(actions).toContain('purchase.register')
    expect(actions).toContain('broadcast.send')
    expect(actions).toContain('member.tag.remove')
    expect(actions).toContain('survey.close')
    expect(actions.length).toBeGreaterThan(40)
  })

  it('has a Japanese and an English label for every one', () => {
    const actions = auditActions()
    expect(actions.filter((a) => !(a in staffJa.audit.actions))).toEqual([])
    expect(actions.filter((a) => !(a in staffEn.audit.actions))).toEqual([])
    expect(staffJa.audit.actions['broadcast.send']).toBe('配信を送信・予約')
    expect(staffJa.audit.actions['purchase.register']).toBe('お会計を記録')
  })
})
