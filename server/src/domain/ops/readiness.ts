/** What GET /readyz answers: the database answers, and every shipped migration is applied. */
export interface Readiness {
  ready: boolean
  database: 'ok' | 'unreachable'
  migrations: { shipped: number; applied: number; missing: string[] }
  /** Why not ready, in Japanese then English (never a secret: no paths, no SQL). */
  reason?: string
}

export interface ReadinessDeps {
  /** The shipped migrations' tags, in order. */
  shipped: readonly string[]
  /** The tags the database has applied; throws when the database cannot be reached. */
  applied(): Promise<Set<string>>
}

export function createReadinessCheck(deps: ReadinessDeps): () => Promise<Readiness> {
  return async () => {
    let applied: Set<string>
    try {
      applied = await deps.applied()
    } catch {
      return {
        ready: false,
        database: 'unreachable',
        migrations: { shipped: deps.shipped.length, applied: 0, missing: [] },
        reason: 'データベースに接続できません / the database cannot be reached',
      }
    }
    const missing = deps.shipped.filter((tag) => !applied.has(tag))
    const count = deps.shipped.length - missing.length
    return missing.length === 0
      ? {
          ready: true,
          database: 'ok',
          migrations: { shipped: deps.shipped.length, applied: count, missing },
        }
      : {
          ready: false,
          database: 'ok',
          migrations: { shipped: deps.shipped.length, applied: count, missing },
          reason: `未適用のマイグレーションが ${missing.length} 件あります / ${missing.length} migration(s) not applied (Node: restart runs them; Workers: npx wrangler d1 migrations apply DB --remote)`,
        }
  }
}
