/**
 * A write a store planned for one atomic commit. Opaque to the domain: only stores make them and
 * only the unit of work runs them (a drizzle builder underneath).
 */
export type Write = object

/**
 * A value only known inside the commit, such as the ID of the row an earlier write of the same
 * commit inserts. Stores make them (e.g. `loyalty.newPurchaseId()`); audit rows and events take
 * them where they take an ID.
 */
export interface RowRef {
  readonly rowRef: true
}

export function isRowRef(value: unknown): value is RowRef {
  return typeof value === 'object' && value !== null && 'rowRef' in value
}
