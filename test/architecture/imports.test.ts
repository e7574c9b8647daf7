import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The shape of the house, measured from the imports (type-only imports included): no import
 * circles, and no import that climbs a layer. Tests and benchmarks are not part of the product.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SERVER = join(ROOT, 'server/src')
const DOMAIN = join(SERVER, 'domain')
const LIFF = join(ROOT, 'liff-app/src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|tsx|mts)$/.test(name) && !/\.(test|spec|bench)\.tsx?$/.test(name) ? [path] : []
  })
}

/** Relative imports and re-exports of one file, resolved to files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const info = ts.preProcessFile(text, true, true)
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec))
}

function graph(files: string[]): Map<string, string[]> {
  const known = new Set(files)
  return new Map(files.map((f) => [f, importsOf(f).filter((to) => known.has(to))]))
}

/** Strongly connected components with more than one member (Tarjan). */
function circles(edges: Map<string, string[]>): string[][] {
  let index = 0
  const stack: string[] = []
  const onStack = new Set<string>()
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const found: string[][] = []
  const visit = (v: string) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const v of edges.keys()) if (!idx.has(v)) visit(v)
  return found
}

/** server/src's layers, lowest first: a file may import its own layer or one below. */
const LAYERS: Record<string, number> = {
  domain: 1,
  db: 2,
  line: 2,
  analysis: 2,
  // The local LINE platform the sandbox runs (and the tests drive): an adapter of its own.
  sandbox: 2,
  middleware: 3,
  routes: 4,
  'app.ts': 5,
  'config.ts': 5,
  compose: 6,
  entry: 7,
}

const layerOf = (file: string) => relative(SERVER, file).split('/')[0] ?? ''
const show = (file: string) => relative(ROOT, file)

describe('the house, from its imports', () => {
  const files = sourceFiles(SERVER)
  const edges = graph(files)

  it('server/src has no import circles', () => {
    expect(circles(edges).map((c) => c.map(show))).toEqual([])
  })

  it('server/src has no loose files but app.ts and config.ts, and no import climbs a layer', () => {
    const loose = files.filter((f) => dirname(f) === SERVER).map((f) => relative(SERVER, f))
    expect(loose.sort()).toEqual(['app.ts', 'config.ts'])
    const climbing: string[] = []
    for (const [from, tos] of edges)
      for (const to of tos) {
        const a = LAYERS[layerOf(from)]
        const b = LAYERS[layerOf(to)]
        if (a === undefined || b === undefined || b > a)
          climbing.push(`${show(from)} → ${show(to)}`)
        // Adapters stand side by side: the database layer and the LINE adapter never meet.
        else if (a === b && layerOf(from) !== layerOf(to))
          climbing.push(`${show(from)} → ${show(to)}`)
      }
    expect(climbing).toEqual([])
  })

  it('no route or middleware reaches a repository, the database, the unit of work or config', () => {
    const reaching = files
      .filter((f) => ['routes', 'middleware'].includes(layerOf(f)) || layerOf(f) === 'app.ts')
      .flatMap((f) => {
        // Code only: comments may talk about what routes must not touch.
        const text = readFileSync(f, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '')
        return /\b(repositories|c\.var\.deps|\.atomic\b|\buow\b|SHOP_TIMEZONE|config\.)/.test(text)
          ? [show(f)]
          : []
      })
    expect(reaching).toEqual([])
  })

  it('server/src/domain: its features (a folder or a loose file each) import each other without circles, so none imports back up', () => {
    // A feature is the first name below domain/: coupons/chat.ts and coupons/service.ts are one.
    const featureOf = (file: string) => relative(DOMAIN, file).split('/')[0] ?? ''
    const between = new Map<string, Set<string>>()
    for (const [from, tos] of edges) {
      if (!from.startsWith(`${DOMAIN}/`)) continue
      const a = featureOf(from)
      if (!between.has(a)) between.set(a, new Set())
      for (const to of tos)
        if (to.startsWith(`${DOMAIN}/`) && featureOf(to) !== a) between.get(a)!.add(featureOf(to))
    }
    const features = new Map([...between].map(([a, bs]) => [a, [...bs]]))
    expect(circles(features)).toEqual([])
  })
})

describe('the running product and the tests', () => {
  it('no file of the product (server, mini-app, shared) imports from test/', () => {
    const TEST = join(ROOT, 'test')
    const product = [SERVER, LIFF, join(ROOT, 'shared/src')].flatMap(sourceFiles)
    const intoTests = product.flatMap((from) =>
      importsOf(from)
        .filter((to) => to === TEST || to.startsWith(TEST + '/'))
        .map((to) => `${show(from)} → ${show(to)}`),
    )
    expect(intoTests).toEqual([])
  })
})

describe('liff-app/src, from its imports', () => {
  it('has no import circles (screens import paths.ts, never the route table that lazy-imports them)', () => {
    expect(circles(graph(sourceFiles(LIFF))).map((c) => c.map(show))).toEqual([])
  })

  it('the circle finder sees a circle where there is one', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ])
    expect(circles(edges)).toEqual([['a', 'b', 'c']])
  })
})
