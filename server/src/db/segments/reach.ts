import { sql, type SQL } from 'drizzle-orm'

/**
 * The reach state in member_rfm.sendable, kept by triggers (migration marketing_reach) from
 * members.follow_state and member_profiles.marketing_choice in the same statement.
 */
export const REACH_STATE = { blocked: 0, optedOut: 1, undecided: 2, optedIn: 3 } as const

/** The settings row holding the shop's messaging settings (MessagingSettingsSchema). */
export const MESSAGING_SETTING = 'messaging'

/**
 * The lowest reach state marketing messages go to: 2 (every friend who has not opted out) unless
 * the shop sends only to members who opted in (3). Read from the settings row inside the statement,
 * so a change of the default holds for every count, freeze and journey at once and rewrites no
 * member row. A constant subquery: SQLite evaluates it once per statement. Binds nothing (the key is
 * the fixed MESSAGING_SETTING), so statements near the parameter limit stay within it.
 */
export function reachFloor(): SQL {
  return sql`coalesce((SELECT CASE WHEN json_extract(value, '$.marketingDefault') = 'opt_in' THEN 3 ELSE 2 END FROM settings WHERE key = 'messaging'), 2)`
}

/** `column` (a reach state) may get marketing messages. */
export function reachableState(column: SQL): SQL {
  return sql`${column} >= ${reachFloor()}`
}
