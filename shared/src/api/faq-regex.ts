/**
 * A small regular-expression engine for staff keyword rules that cannot backtrack catastrophically.
 *
 * Why not `new RegExp(pattern)`: JavaScript's engine backtracks, so a pattern such as `(a+)+$`
 * takes exponential time on a crafted message, and a keyword rule runs on every customer message.
 * Here a pattern is parsed into an AST, compiled to a Thompson NFA, and run as a Pike VM over the
 * message's code points: each character advances a set of NFA states, each state at most once, so
 * matching costs O(text length × program size) whatever the pattern. Program size is bounded by
 * the pattern length limit and the `{n,m}` limit.
 *
 * Supported: literals, `.`, classes `[a-z]` / `[^…]`, `\d \D \w \W`, escaped punctuation, groups
 * `( )` / `(?: )`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` (a trailing lazy `?` is
 * accepted and makes no difference to whether a text matches), anchors `^ $`. Refused at save time
 * with a Japanese message: backreferences, lookahead / lookbehind, `\s` (whitespace is removed from
 * messages before matching), and patterns over the length / size limits.
 */

export const SAFE_REGEX_MAX_PATTERN = 200
const MAX_REPEAT = 50
const MAX_PROGRAM = 4000

type Ranges = [number, number][]

type Node =
  | { kind: 'char'; cp: number }
  | { kind: 'any' }
  | { kind: 'class'; ranges: Ranges; negated: boolean }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number | null }
  | { kind: 'bol' }
  | { kind: 'eol' }

type Instruction =
  | { op: 'char'; cp: number }
  | { op: 'any' }
  | { op: 'class'; ranges: Ranges; negated: boolean }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; to: number }
  | { op: 'bol' }
  | { op: 'eol' }
  | { op: 'match' }

export interface SafeRegex {
  readonly source: string
  readonly program: readonly Instruction[]
}

export class UnsafePattern extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnsafePattern'
  }
}

const DIGIT: Ranges = [[0x30, 0x39]]
const WORD: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]

/** Folds one code point the way messages are folded (e.g. lower case, katakana → hiragana). */
export type Fold = (char: string) => string

function foldCp(cp: number, fold: Fold | undefined): number {
  if (!fold) return cp
  const folded = Array.from(fold(String.fromCodePoint(cp)))
  return folded.length === 1 ? (folded[0] as string).codePointAt(0)! : cp
}

class Parser {
  private pos = 0
  private readonly cps: number[]

  constructor(
    source: string,
    private readonly fold: Fold | undefined,
  ) {
    this.cps = Array.from(source).map((c) => c.codePointAt(0)!)
  }

  parse(): Node {
    const node = this.alternation()
    if (this.pos < this.cps.length) throw new UnsafePattern('対応する「(」がない「)」があります')
    return node
  }

  private peek(offset = 0): string | undefined {
    const cp = this.cps[this.pos + offset]
    return cp === undefined ? undefined : String.fromCodePoint(cp)
  }

  private alternation(): Node {
    const options = [this.sequence()]
    while (this.peek() === '|') {
      this.pos++
      options.push(this.sequence())
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options }
  }

  private sequence(): Node {
    const items: Node[] = []
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      const atom = this.atom()
      if (atom) items.push(this.quantified(atom))
    }
    return { kind: 'seq', items }
  }

  private quantified(atom: Node): Node {
    let node = atom
    for (;;) {
      const c = this.peek()
      let min: number
      let max: number | null
      if (c === '*') [min, max] = [0, null]
      else if (c === '+') [min, max] = [1, null]
      else if (c === '?') [min, max] = [0, 1]
      else if (c === '{' && this.braceQuantifier()) [min, max] = this.readBraces()
      else return node
      if (c !== '{') this.pos++
      if (this.peek() === '?') this.pos++ // lazy: same language
      if (node.kind === 'bol' || node.kind === 'eol')
        throw new UnsafePattern('^ や $ に繰り返しは付けられません')
      node = { kind: 'repeat', node, min, max }
    }
  }

  private braceQuantifier(): boolean {
    let i = this.pos + 1
    let text = ''
    for (; i < this.cps.length && this.cps[i] !== 0x7d; i++)
      text += String.fromCodePoint(this.cps[i]!)
    return i < this.cps.length && /^\d+(,\d*)?$/.test(text)
  }

  private readBraces(): [number, number | null] {
    const end = this.cps.indexOf(0x7d, this.pos)
    const body = String.fromCodePoint(...this.cps.slice(this.pos + 1, end))
    this.pos = end + 1
    const [lo, hi] = body.split(',')
    const min = Number(lo)
    const max = hi === undefined ? min : hi === '' ? null : Number(hi)
    if (min > MAX_REPEAT || (max !== null && max > MAX_REPEAT))
      throw new UnsafePattern(`{n,m} の回数は ${MAX_REPEAT} までにしてください`)
    if (max !== null && max < min) throw new UnsafePattern('{n,m} は n ≤ m にしてください')
    return [min, max]
  }

  private atom(): Node | null {
    const c = this.peek()!
    this.pos++
    switch (c) {
      case '(':
        return this.group()
      case '[':
        return this.charClass()
      case '.':
        return { kind: 'any' }
      case '^':
        return { kind: 'bol' }
      case '$':
        return { kind: 'eol' }
      case '\\':
        return this.escape(false)
      case '*':
      case '+':
      case '?':
        throw new UnsafePattern(`「${c}」の前に繰り返す文字がありません`)
      default:
        // Whitespace is removed from messages before matching, so it is ignored in patterns too.
        if (/\s/.test(c)) return null
        return { kind: 'char', cp: foldCp(c.codePointAt(0)!, this.fold) }
    }
  }

  private group(): Node {
    if (this.peek() === '?') {
      const next = this.peek(1)
      const after = this.peek(2)
      if (next === '=' || next === '!' || (next === '<' && (after === '=' || after === '!')))
        throw new UnsafePattern('先読み・後読み (?= (?! (?<= (?<! は使えません')
      if (next === ':') this.pos += 2
      else if (next === '<') {
        const close = this.cps.indexOf(0x3e, this.pos)
        if (close < 0) throw new UnsafePattern('グループ名の「>」がありません')
        this.pos = close + 1
      } else throw new UnsafePattern('この (? の書き方には対応していません')
    }
    const inner = this.alternation()
    if (this.peek() !== ')') throw new UnsafePattern('「(」に対応する「)」がありません')
    this.pos++
    return inner
  }

  private escape(inClass: boolean): Node {
    const c = this.peek()
    if (c === undefined) throw new UnsafePattern('末尾の「\\」の後に文字がありません')
    this.pos++
    if (/[1-9]/.test(c) || (c === 'k' && !inClass))
      throw new UnsafePattern('後方参照 (\\1 や \\k<名前>) は使えません')
    switch (c) {
      case 'd':
        return { kind: 'class', ranges: DIGIT, negated: false }
      case 'D':
        return { kind: 'class', ranges: DIGIT, negated: true }
      case 'w':
        return { kind: 'class', ranges: WORD, negated: false }
      case 'W':
        return { kind: 'class', ranges: WORD, negated: true }
      case 's':
      case 'S':
        throw new UnsafePattern('空白は照合の前に取り除かれるため \\s / \\S は使えません')
      case 'b':
      case 'B':
        throw new UnsafePattern('\\b / \\B (単語境界) には対応していません')
      case 'n':
        return { kind: 'char', cp: 0x0a }
      case 't':
        return { kind: 'char', cp: 0x09 }
      default:
        if (/[A-Za-z0-9]/.test(c)) throw new UnsafePattern(`\\${c} には対応していません`)
        return { kind: 'char', cp: c.codePointAt(0)! }
    }
  }

  private charClass(): Node {
    let negated = false
    if (this.peek() === '^') {
      negated = true
      this.pos++
    }
    const ranges: Ranges = []
    let first = true
    for (;;) {
      const c = this.peek()
      if (c === undefined) throw new UnsafePattern('「[」に対応する「]」がありません')
      if (c === ']' && !first) {
        this.pos++
        break
      }
      first = false
      const lo = this.classAtom()
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++
        const hi = this.classAtom()
        if (typeof lo !== 'number' || typeof hi !== 'number')
          throw new UnsafePattern('[ ] の範囲に \\d などは使えません')
        if (hi < lo) throw new UnsafePattern('[ ] の範囲の順序が逆です')
        const [a, b] = [foldCp(lo, this.fold), foldCp(hi, this.fold)]
        ranges.push(a <= b ? [a, b] : [lo, hi])
      } else if (typeof lo === 'number') {
        const f = foldCp(lo, this.fold)
        ranges.push([f, f])
      } else ranges.push(...lo)
    }
    return { kind: 'class', ranges, negated }
  }

  /** A code point, or the ranges of a `\d`-style escape inside a class. */
  private classAtom(): number | Ranges {
    const c = this.peek()!
    this.pos++
    if (c !== '\\') return c.codePointAt(0)!
    const node = this.escape(true)
    if (node.kind === 'char') return node.cp
    if (node.kind === 'class' && !node.negated) return node.ranges
    throw new UnsafePattern('[ ] の中に \\D や \\W は使えません')
  }
}

function compile(node: Node, out: Instruction[]): void {
  if (out.length > MAX_PROGRAM) throw new UnsafePattern('パターンが複雑すぎます。短くしてください')
  switch (node.kind) {
    case 'char':
      out.push({ op: 'char', cp: node.cp })
      return
    case 'any':
      out.push({ op: 'any' })
      return
    case 'class':
      out.push({ op: 'class', ranges: node.ranges, negated: node.negated })
      return
    case 'bol':
      out.push({ op: 'bol' })
      return
    case 'eol':
      out.push({ op: 'eol' })
      return
    case 'seq':
      for (const item of node.items) compile(item, out)
      return
    case 'alt': {
      const jumps: Instruction[] = []
      node.options.forEach((option, i) => {
        if (i < node.options.length - 1) {
          const split: Instruction = { op: 'split', x: out.length + 1, y: -1 }
          out.push(split)
          compile(option, out)
          const jmp: Instruction = { op: 'jmp', to: -1 }
          out.push(jmp)
          jumps.push(jmp)
          split.y = out.length
        } else compile(option, out)
      })
      for (const j of jumps) if (j.op === 'jmp') j.to = out.length
      return
    }
    case 'repeat': {
      for (let i = 0; i < node.min; i++) compile(node.node, out)
      if (node.max === null) {
        // L: split body, end; body; jmp L
        const split: Instruction = { op: 'split', x: out.length + 1, y: -1 }
        const start = out.length
        out.push(split)
        compile(node.node, out)
        out.push({ op: 'jmp', to: start })
        split.y = out.length
      } else {
        const splits: Instruction[] = []
        for (let i = node.min; i < node.max; i++) {
          const split: Instruction = { op: 'split', x: out.length + 1, y: -1 }
          out.push(split)
          splits.push(split)
          compile(node.node, out)
        }
        for (const s of splits) if (s.op === 'split') s.y = out.length
      }
      return
    }
  }
}

/**
 * Parses and compiles a keyword pattern. Literals and range ends are folded with `fold` so they
 * compare with folded messages. Throws `UnsafePattern` with a Japanese message.
 */
export function compileSafeRegex(source: string, fold?: Fold): SafeRegex {
  if (source.length === 0) throw new UnsafePattern('パターンを入力してください')
  if (Array.from(source).length > SAFE_REGEX_MAX_PATTERN)
    throw new UnsafePattern(`パターンは ${SAFE_REGEX_MAX_PATTERN} 文字以内にしてください`)
  const ast = new Parser(source, fold).parse()
  const program: Instruction[] = []
  compile(ast, program)
  program.push({ op: 'match' })
  if (program.length > MAX_PROGRAM)
    throw new UnsafePattern('パターンが複雑すぎます。短くしてください')
  return { source, program }
}

/** The Japanese reason a pattern is refused, or null when it is safe to save. */
export function unsafePatternReason(source: string): string | null {
  try {
    compileSafeRegex(source)
    return null
  } catch (error) {
    if (error instanceof UnsafePattern) return error.message
    throw error
  }
}

function inRanges(cp: number, ranges: Ranges): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true
  return false
}

export interface MatchStats {
  /** NFA state visits: bounded by (text length + 1) × program size. */
  steps: number
}

/** Whether `regex` matches anywhere in `text` (a search, like `RegExp.prototype.test`). */
export function safeRegexTest(regex: SafeRegex, text: string, stats?: MatchStats): boolean {
  const prog = regex.program
  const cps = Array.from(text).map((c) => c.codePointAt(0)!)
  const marks = new Int32Array(prog.length).fill(-1)
  let generation = 0
  let steps = 0
  let current: number[] = []
  let next: number[]

  // Adds pc and everything reachable from it without consuming a character.
  const add = (list: number[], start: number, at: number): boolean => {
    const stack = [start]
    while (stack.length > 0) {
      const pc = stack.pop()!
      if (marks[pc] === generation) continue
      marks[pc] = generation
      steps++
      const ins = prog[pc]!
      switch (ins.op) {
        case 'jmp':
          stack.push(ins.to)
          break
        case 'split':
          stack.push(ins.y, ins.x)
          break
        case 'bol':
          if (at === 0) stack.push(pc + 1)
          break
        case 'eol':
          if (at === cps.length) stack.push(pc + 1)
          break
        case 'match':
          return true
        default:
          list.push(pc)
      }
    }
    return false
  }

  const step = (ins: Instruction, cp: number): boolean => {
    if (ins.op === 'any') return true
    if (ins.op === 'char') return ins.cp === cp
    if (ins.op === 'class') return inRanges(cp, ins.ranges) !== ins.negated
    return false
  }

  let matched = false
  generation++
  if (add(current, 0, 0)) matched = true
  for (let at = 0; at < cps.length && !matched; at++) {
    const cp = cps[at]!
    generation++
    next = []
    for (const pc of current) {
      if (step(prog[pc]!, cp) && add(next, pc + 1, at + 1)) {
        matched = true
        break
      }
    }
    // Unanchored search: a new thread starts at every position.
    if (!matched && add(next, 0, at + 1)) matched = true
    current = next
  }
  if (stats) stats.steps += steps
  return matched
}
