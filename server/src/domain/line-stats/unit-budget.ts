import type { Messenger, SendOptions } from '../messaging/messenger.ts'
import type { Logger } from '../ports.ts'
import { lineMonth } from './units.ts'

/** LINE allows a channel 1,000 customAggregationUnits names per calendar month (UTC+9). */
export const LINE_UNITS_PER_MONTH = 1000

/** Where the shop's unit names per month are recorded (db: line_aggregation_units). */
export interface UnitBudgetStore {
  /**
   * Records `unit` for `month` unless `limit` names are recorded already; true when the name is
   * recorded (now or before). One conditional statement: two senders never pass the limit.
   */
  admit(month: string, unit: string, limit: number, at: number): Promise<boolean>
  used(month: string): Promise<number>
}

/** What LINE last said the channel used this month (GET /v2/bot/message/aggregation/info). */
export interface ReportedUnits {
  month: string
  used: number
}

export interface UnitBudgetDeps {
  store: UnitBudgetStore
  /** LINE's own count, kept by the statistics poll; other tools on the channel use names too. */
  reported(): Promise<ReportedUnits | null>
  /** Told once per month when the names run out (a staff alert). */
  exhausted(month: string, used: number): Promise<void>
  logger: Logger
  now(): number
  limit?: number
}

export interface UnitBudget {
  /** True when a send may carry `unit`: already used this month, or room for one more. */
  admit(unit: string): Promise<boolean>
}

/**
 * Keeps the shop inside LINE's monthly unit names. A name already used this month is free; a new
 * one is recorded first, and refused once the month's names (ours, or LINE's count when higher)
 * reach the limit. A refused send still goes — without the name, so LINE counts no opens or
 * clicks for it — and staff are told once that month.
 */
export function createUnitBudget(deps: UnitBudgetDeps): UnitBudget {
  const limit = deps.limit ?? LINE_UNITS_PER_MONTH
  let month = ''
  const admitted = new Set<string>()
  const warned = new Set<string>()
  return {
    async admit(unit) {
      const now = deps.now()
      const current = lineMonth(now)
      if (current !== month) {
        month = current
        admitted.clear()
      }
      if (admitted.has(unit)) return true
      const reported = await deps.reported()
      const lineFull = reported?.month === current && reported.used >= limit
      // With LINE's count at the limit, only names recorded already pass (limit 0 adds none).
      const ok = await deps.store.admit(current, unit, lineFull ? 0 : limit, now)
      if (ok) {
        admitted.add(unit)
        return true
      }
      if (!warned.has(current)) {
        warned.add(current)
        const used = Math.max(await deps.store.used(current), reported?.used ?? 0)
        deps.logger.warn('LINE aggregation unit names used up for the month', { month: current })
        await deps.exhausted(current, used)
      }
      return false
    },
  }
}

/** The staff alert's text when the month's names run out. */
export function unitsExhaustedSummary(month: string, used: number, limit = LINE_UNITS_PER_MONTH) {
  const [y, m] = month.split('-')
  return (
    `LINEの開封・クリック集計に使う「集計単位」が${Number(y)}年${Number(m)}月の上限（${limit.toLocaleString('ja-JP')}件）に達しました（使用 ${used.toLocaleString('ja-JP')}件）。` +
    '今月これから新しく始める配信やジャーニーの段は、開封・クリックが集計されません。メッセージは通常どおり届きます。'
  )
}

/** The messenger with every push and multicast's unit name passed through the budget. */
export function withUnitBudget<M extends Messenger>(messenger: M, budget: UnitBudget): M {
  const keep = async <O extends Pick<SendOptions, 'aggregationUnit'>>(
    options: O | undefined,
  ): Promise<O | undefined> => {
    const unit = options?.aggregationUnit
    if (unit === undefined || (await budget.admit(unit))) return options
    return { ...options, aggregationUnit: undefined } as O
  }
  return {
    ...messenger,
    push: async (to, messages, retryKey, options) =>
      messenger.push(to, messages, retryKey, await keep(options)),
    multicast: async (to, messages, retryKey, options) =>
      messenger.multicast(to, messages, retryKey, await keep(options)),
  }
}
