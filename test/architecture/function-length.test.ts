import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * No function, arrow function or factory closure of the product is longer than MAX_LINES, measured
 * on the TypeScript AST (first line to last line of the function, comments inside included).
 * ALLOWED names the giants not split yet, with their length today: an entry may only shrink, and
 * leaves the list once its function is split.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MAX_LINES = 200

const ALLOWED: Record<string, number> = {}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|tsx|mts)$/.test(name) &&
      !/\.(test|spec|bench)\.tsx?$/.test(name) &&
      !/\.generated\.ts$/.test(name)
      ? [path]
      : []
  })
}

/** A function's name as a reader finds it: its own, or the variable, property or class member holding it. */
function nameOf(node: ts.Node): string {
  const named = (n: ts.Node): string | undefined =>
    (ts.isFunctionDeclaration(n) ||
      ts.isMethodDeclaration(n) ||
      ts.isFunctionExpression(n) ||
      ts.isVariableDeclaration(n) ||
      ts.isPropertyAssignment(n) ||
      ts.isPropertyDeclaration(n) ||
      ts.isClassDeclaration(n)) &&
    n.name &&
    (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))
      ? n.name.text
      : undefined
  const own = named(node) ?? named(node.parent)
  if (own) return own
  for (let up = node.parent.parent; up; up = up.parent) {
    const name = named(up)
    if (name) return `${name}/(anonymous)`
  }
  return '(anonymous)'
}

function functionLengths(
  files: { file: string; text: string }[],
): { where: string; lines: number }[] {
  const found: { where: string; lines: number }[] = []
  for (const { file, text } of files) {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
    const visit = (node: ts.Node) => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessor(node) ||
        ts.isSetAccessor(node)
      ) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line
        found.push({ where: `${relative(ROOT, file)}:${nameOf(node)}`, lines: last - first + 1 })
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return found.sort((a, b) => b.lines - a.lines)
}

describe('no giant functions', () => {
  const lengths = functionLengths(
    [...sourceFiles(join(ROOT, 'server/src')), ...sourceFiles(join(ROOT, 'liff-app/src'))].map(
      (file) => ({ file, text: readFileSync(file, 'utf8') }),
    ),
  )

  it(`no function of server/src or liff-app/src is over ${MAX_LINES} lines but the allowed ones`, () => {
    const over = lengths
      .filter((f) => f.lines > MAX_LINES && !(f.where in ALLOWED))
      .map((f) => `${f.where} (${f.lines} lines)`)
    expect(over).toEqual([])
  })

  it('the allowed giants only shrink, and leave the list once split', () => {
    const longest = new Map<string, number>()
    for (const f of lengths) longest.set(f.where, Math.max(longest.get(f.where) ?? 0, f.lines))
    const stale = Object.entries(ALLOWED).flatMap(([where, allowed]) => {
      const now = longest.get(where)
      if (now === undefined || now <= MAX_LINES) return [`${where}: split, remove it from ALLOWED`]
      if (now > allowed) return [`${where}: grew from ${allowed} to ${now} lines`]
      return []
    })
    expect(stale).toEqual([])
  })

  it('measures closures, arrows and components by their own lines', () => {
    const body = Array.from({ length: 250 }, (_, i) => `  const v${i} = ${i}`).join('\n')
    const text = [
      'export function createGiant() {',
      body,
      '  const helper = () => {',
      '    return 1',
      '  }',
      '  return { helper }',
      '}',
    ].join('\n')
    const found = functionLengths([{ file: join(ROOT, 'x/giant.ts'), text }])
    expect(found).toEqual([
      { where: 'x/giant.ts:createGiant', lines: 256 },
      { where: 'x/giant.ts:helper', lines: 3 },
    ])
  })
})
