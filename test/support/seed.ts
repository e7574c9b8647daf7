import type Sqlite from 'better-sqlite3'

/** Inserts `count` members quickly (one transaction), numbered from 1, for list and paging tests. */
export function seedMembers(
  sqlite: Sqlite.Database,
  count: number,
  make: (i: number) => { displayName: string; blocked?: boolean; followedAt?: number } = (i) => ({
    displayName: `会員${i}`,
  }),
): void {
  const insert = sqlite.prepare(
    `insert into members (line_user_id, member_number, display_name, follow_state, follow_state_at,
       first_followed_at, followed_at, blocked_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  sqlite.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const m = make(i)
      const at = m.followedAt ?? 1_700_000_000_000 + i * 1000
      insert.run(
        `U${i.toString(16).padStart(32, '0')}`,
        String(1_000_000_000 + i),
        m.displayName,
        m.blocked ? 'blocked' : 'following',
        at,
        at,
        at,
        m.blocked ? at : null,
        at,
        at,
      )
    }
  })()
}
