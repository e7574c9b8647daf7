import { startOfDayInZone } from '../time.ts'

export const CSV_MAX_BYTES = 1024 * 1024
export const CSV_MAX_ROWS = 5000
const COLUMNS = ['member_number', 'amount', 'categories', 'store', 'purchased_at', 'external_id']

/** RFC 4180 records: quoted fields with "" escapes and line breaks, CRLF or LF. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  let i = 0
  const endRecord = () => {
    fields.push(field)
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields })
    fields = []
    field = ''
  }
  while (i < text.length) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
      } else {
        if (ch === '\n') line++
        field += ch
      }
      i++
      continue
    }
    if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      fields.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRecord()
      line++
      recordLine = line
    } else field += ch
    i++
  }
  if (field !== '' || fields.length > 0) endRecord()
  return records
}

export interface CsvRow {
  line: number
  memberNumber: string
  amountYen: number
  categories: string[]
  store: string | null
  purchasedAt: number
  externalId: string | null
}

export interface CsvCheck {
  rows: CsvRow[]
  errors: { line: number; message: string }[]
}

const LOCAL = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})$/

/** ISO 8601 with an offset, or "YYYY-MM-DD HH:mm" in the shop's time zone. */
export function parsePurchasedAt(value: string, timeZone: string): number | null {
  const local = LOCAL.exec(value)
  if (local) {
    const [, date = '', hh = '', mm = ''] = local
    const day = new Date(`${date}T00:00:00Z`)
    if (Number.isNaN(day.getTime()) || !day.toISOString().startsWith(date)) return null
    if (Number(hh) > 23 || Number(mm) > 59) return null
    return startOfDayInZone(date, timeZone) + (Number(hh) * 60 + Number(mm)) * 60_000
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return null
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : at
}

/**
 * Checks a purchases CSV row by row (line numbers as a spreadsheet shows them, header = 1).
 * `knownMember` and `categoryIds` come from the database and the shop settings.
 */
export function checkCsv(
  text: string,
  input: {
    timeZone: string
    now: number
    categoryIds: ReadonlySet<string>
    knownMember(memberNumber: string): boolean
  },
): CsvCheck {
  const errors: CsvCheck['errors'] = []
  const records = parseCsv(text.replace(/^\uFEFF/, ''))
  const header = records.shift()
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? []
  const missing = COLUMNS.filter(
    (c) =>
      !['store', 'external_id', 'categories', 'purchased_at'].includes(c) && !names.includes(c),
  )
  if (!header || missing.length > 0) {
    errors.push({
      line: 1,
      message: `見出し行に ${missing.join(', ') || COLUMNS.join(', ')} の列が必要です`,
    })
    return { rows: [], errors }
  }
  if (records.length > CSV_MAX_ROWS) {
    errors.push({
      line: 1,
      message: `1ファイル ${CSV_MAX_ROWS} 行までです（${records.length} 行）`,
    })
    return { rows: [], errors }
  }
  const col = (fields: string[], name: string) => {
    const index = names.indexOf(name)
    return index < 0 ? '' : (fields[index] ?? '').trim()
  }
  const rows: CsvRow[] = []
  const seenExternal = new Map<string, number>()
  for (const { line, fields } of records) {
    const problems: string[] = []
    const memberNumber = col(fields, 'member_number')
    if (!/^\d{10}$/.test(memberNumber)) problems.push('会員番号は10桁の数字です')
    else if (!input.knownMember(memberNumber))
      problems.push(`会員番号 ${memberNumber} の会員がいません`)
    const amountText = col(fields, 'amount').replace(/,/g, '')
    const amountYen = /^\d+$/.test(amountText) ? Number(amountText) : NaN
    if (!Number.isInteger(amountYen) || amountYen < 1 || amountYen > 10_000_000)
      problems.push('金額は 1〜10,000,000 の整数（円）です')
    const categories = col(fields, 'categories')
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c.length > 0)
    const unknown = categories.filter((c) => !input.categoryIds.has(c))
    if (unknown.length > 0) problems.push(`登録されていないカテゴリです: ${unknown.join(', ')}`)
    const store = col(fields, 'store')
    if (store.length > 40) problems.push('店舗名は40文字までです')
    const atText = col(fields, 'purchased_at')
    const purchasedAt = atText === '' ? input.now : parsePurchasedAt(atText, input.timeZone)
    if (purchasedAt === null)
      problems.push('購入日時は ISO 8601 か「YYYY-MM-DD HH:mm」で入力してください')
    else if (purchasedAt > input.now + 60_000) problems.push('購入日時が未来になっています')
    const externalId = col(fields, 'external_id')
    if (externalId.length > 64) problems.push('外部 ID は64文字までです')
    if (externalId) {
      const first = seenExternal.get(externalId)
      if (first !== undefined)
        problems.push(`外部 ID ${externalId} が ${first} 行目と重複しています`)
      else seenExternal.set(externalId, line)
    }
    if (problems.length > 0) {
      errors.push({ line, message: problems.join(' / ') })
      continue
    }
    rows.push({
      line,
      memberNumber,
      amountYen,
      categories,
      store: store || null,
      purchasedAt: purchasedAt ?? input.now,
      externalId: externalId || null,
    })
  }
  return { rows, errors }
}
