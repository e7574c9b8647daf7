import type { CsvImportResult } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { Write } from '../unit-of-work.ts'
import { checkCsv } from './csv.ts'
import { currentTier, planPurchase, recomputeTier, type LoyaltyDeps } from './loyalty.ts'
import { readEarningRule } from './rules.ts'

/**
 * A purchases CSV: a dry run reports per-row errors (line numbers) and what would be skipped;
 * a commit writes every row (each with its events) and the audit row in one commit, or nothing
 * when any row is wrong. Rows whose external ID is already stored are skipped and reported.
 * Imported purchases send no receipt.
 */
export async function importPurchasesCsv(
  deps: LoyaltyDeps,
  input: {
    actor: StaffActor
    text: string
    dryRun: boolean
    categoryIds: ReadonlySet<string>
    /** false: the rows are history only (points were given elsewhere); no points are granted. */
    grantPoints: boolean
  },
): Promise<CsvImportResult> {
  const now = deps.clock.now()
  const numbers = [...input.text.matchAll(/\b\d{10}\b/g)].map((m) => m[0])
  const members = await deps.loyalty.membersByNumbers(numbers)
  const check = checkCsv(input.text, {
    timeZone: deps.timeZone,
    now,
    categoryIds: input.categoryIds,
    knownMember: (n) => members.has(n),
  })
  const existing = await deps.loyalty.existingExternalIds(
    check.rows.flatMap((r) => (r.externalId ? [r.externalId] : [])),
  )
  const skipped = check.rows
    .filter((r) => r.externalId !== null && existing.has(r.externalId))
    .map((r) => ({ line: r.line, externalId: r.externalId ?? '' }))
  const toWrite = check.rows.filter((r) => r.externalId === null || !existing.has(r.externalId))
  const result: CsvImportResult = {
    dryRun: input.dryRun,
    rows: check.rows.length + check.errors.length,
    committed: 0,
    pointsGranted: 0,
    errors: check.errors,
    skipped,
  }
  if (check.errors.length > 0) return result

  const rule = await readEarningRule(deps.settings)
  const multipliers = new Map<number, number>()
  const writes: Write[] = []
  let points = 0
  for (const row of toWrite) {
    const member = members.get(row.memberNumber)
    if (!member) continue
    let multiplier = multipliers.get(member.id)
    if (multiplier === undefined) {
      multiplier = (await currentTier(deps, member.id)).tier?.multiplierPercent ?? 100
      multipliers.set(member.id, multiplier)
    }
    const plan = await planPurchase(
      deps,
      {
        ...row,
        member,
        source: 'csv',
        staffId: input.actor.id,
        apiKeyId: null,
        idempotency: null,
        grantPoints: input.grantPoints,
      },
      rule,
      multiplier,
    )
    writes.push(...plan.writes)
    points += plan.points
  }
  result.pointsGranted = points
  if (input.dryRun) {
    result.committed = 0
    return result
  }
  result.committed = toWrite.length
  await deps.uow.commit([
    ...writes,
    deps.uow.audit({
      staffId: input.actor.id,
      action: 'purchases.import',
      targetType: 'purchases',
      targetId: null,
      before: null,
      after: {
        committed: result.committed,
        skipped: skipped.length,
        pointsGranted: points,
        grantPoints: input.grantPoints,
      },
    }),
  ])
  for (const memberId of multipliers.keys()) await recomputeTier(deps, memberId)
  return result
}
