/** A count or sum as SQLite returns it (null when nothing matched) → a number. */
export const n = (v: unknown): number => Number(v ?? 0)
