/**
 * Summarises a `node --cpu-prof` profile: self time by function, inclusive time by function, and
 * each sample attributed to the innermost frame from the repository's own code (server/, shared/),
 * i.e. "which of our functions was this time spent under", and a breakdown of busy time into the
 * webhook request path vs the processing drain, by kind of work (SQLite, zod, HTTP, fetch, ...).
 *
 * Usage: npx tsx test/bench/support/cpu-profile-summary.ts <file.cpuprofile> [top=25] [filter]
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const [file, topArg, filter] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [top] [filter]\n')
  process.exit(2)
}
const top = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map<number, ProfileNode>()
const parent = new Map<number, number>()
for (const node of profile.nodes) {
  byId.set(node.id, node)
  for (const child of node.children ?? []) parent.set(child, node.id)
}

function short(url: string): string {
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length)
  const repo = /\/(server|shared|test|liff-app)\/.*$/.exec(url)
  if (repo) return repo[0].slice(1)
  return url.replace(/^file:\/\//, '')
}

function key(node: ProfileNode): string {
  // tsx emits each module on few lines, so the column is what tells functions apart.
  const { functionName, url, lineNumber, columnNumber } = node.callFrame
  return url
    ? `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}:${columnNumber + 1}`
    : functionName || '(anonymous)'
}

const ours = (node: ProfileNode) => /\/(server|shared)\/src\//.test(node.callFrame.url)

/** Which part of the product a sample belongs to, from the innermost repository frame. */
function contextOf(stack: ProfileNode[]): string {
  for (const n of stack) {
    const { url, functionName } = n.callFrame
    if (!/\/(server|shared)\/src\//.test(url)) continue
    if (/routes\/webhook\.ts|\/app\.ts|signature-node\.ts|domain\/webhook\/inbox\.ts/.test(url))
      return 'webhook request'
    if (/inbox-repository\.ts/.test(url) && functionName === 'store') return 'webhook request'
    if (/config\.ts|entry\/|node-sqlite\.ts/.test(url)) return 'startup/shutdown'
    return 'processing drain'
  }
  const urls = stack.map((n) => n.callFrame.url).join(' ')
  // `await db.update(...)` runs the query inside drizzle's then(), called from the microtask
  // queue with no app frame above it; only the drain awaits unprepared queries.
  if (/drizzle-orm\/query-promise/.test(urls)) return 'processing drain'
  if (/_http_server|_http_common|@hono\/node-server|\/hono\//.test(urls))
    return 'HTTP server (no app frame)'
  if (/undici|webstreams|abort_controller|js_transferable/.test(urls))
    return 'undici/web streams, no app frame (reply fetches, request body streams)'
  const leaf = stack[0]?.callFrame.functionName ?? ''
  if (leaf.startsWith('(')) return leaf
  return 'other runtime'
}

/** What kind of work the innermost recognisable frame is doing. */
function kindOf(stack: ProfileNode[]): string {
  for (const n of stack) {
    const { url, functionName } = n.callFrame
    if (/better-sqlite3\//.test(url))
      return functionName === 'prepare' ? 'SQLite prepare' : 'SQLite'
    if (/drizzle-orm\/better-sqlite3\/session/.test(url))
      return /^(values|run|all|get)$/.test(functionName) ? 'SQLite' : 'drizzle'
    if (/drizzle-orm\//.test(url)) return 'drizzle'
    if (/\/zod\//.test(url)) return 'zod'
    if (/undici|webstreams|abort_controller|js_transferable|domexception/.test(url))
      return 'undici Request/fetch + web streams'
    if (/@hono\/node-server/.test(url)) return 'HTTP: @hono/node-server'
    if (/\/hono\//.test(url)) return 'HTTP: Hono'
    if (/_http_|node:net|node:internal\/stream|streams/.test(url)) return 'HTTP: node:http'
    if (/crypto/.test(url) || functionName === 'Hmac') return 'crypto (HMAC)'
    if (functionName === 'parse' && !url) return 'JSON.parse'
    if (functionName === 'stringify' && !url) return 'JSON.stringify'
    if (
      functionName === 'writev' ||
      functionName === 'writeBuffer' ||
      functionName === 'writeUtf8String'
    )
      return 'socket write'
    if (/\/(server|shared)\/src\//.test(url)) return 'app code'
    if (functionName.startsWith('(')) return functionName
  }
  return 'other'
}

const breakdown = new Map<string, Map<string, number>>()
const self = new Map<string, number>()
const inclusive = new Map<string, number>()
const owner = new Map<string, number>()
let total = 0
let idle = 0
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
  const leaf = byId.get(profile.samples[i] as number)
  if (!leaf) continue
  total += dt
  if (leaf.callFrame.functionName === '(idle)') idle += dt
  self.set(key(leaf), (self.get(key(leaf)) ?? 0) + dt)
  const stack: ProfileNode[] = []
  for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) stack.push(n)
  if (leaf.callFrame.functionName !== '(idle)') {
    const context = contextOf(stack)
    const kinds = breakdown.get(context) ?? new Map<string, number>()
    breakdown.set(context, kinds)
    const kind = kindOf(stack)
    kinds.set(kind, (kinds.get(kind) ?? 0) + dt)
  }
  const seen = new Set<string>()
  let ownerKey: string | null = null
  for (const n of stack) {
    const k = key(n)
    if (!seen.has(k)) {
      seen.add(k)
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt)
    }
    if (ownerKey === null && ours(n)) ownerKey = k
  }
  const o =
    ownerKey ?? `(no repository frame) ${leaf.callFrame.url ? 'library/runtime' : key(leaf)}`
  owner.set(o, (owner.get(o) ?? 0) + dt)
}

const busy = total - idle
const line = (ms: number, label: string) =>
  `${ms.toFixed(0).padStart(8)} ms ${((ms * 100) / busy).toFixed(1).padStart(5)}%  ${label}`
const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n== ${title} (share of busy time)\n`)
  ;[...map]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, ms]) => process.stdout.write(`${line(ms, k)}\n`))
}

process.stdout.write(
  `profile ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s: busy ${(busy / 1000).toFixed(2)} s, idle ${(idle / 1000).toFixed(2)} s\n`,
)
print('self time', self)
print('inclusive time', inclusive)
print('innermost repository frame', owner)

process.stdout.write('\n== busy time by product part and kind of work\n')
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
for (const [context, kinds] of [...breakdown].sort((a, b) => sum(b[1]) - sum(a[1]))) {
  process.stdout.write(`${line(sum(kinds), context)}\n`)
  for (const [kind, ms] of [...kinds].sort((a, b) => b[1] - a[1]))
    if (ms * 200 >= busy) process.stdout.write(`  ${line(ms, kind)}\n`)
}
