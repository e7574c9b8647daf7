import Sqlite from 'better-sqlite3'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Backup files are named by their UTC time: joren-20261207T030000Z.db (sortable). */
const BACKUP_NAME = /^joren-(\d{8}T\d{6}Z)(?:-\d+)?\.db$/

function stamp(now: number): string {
  return new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
}

function freeName(dir: string, now: number): string {
  const base = `joren-${stamp(now)}`
  let name = `${base}.db`
  for (let n = 2; existsSync(join(dir, name)); n++) name = `${base}-${n}.db`
  return join(dir, name)
}

/**
 * A consistent copy of a live database while the server runs. With `connection` (the server's
 * own), SQLite's online backup API copies it page by page between requests (writes on this
 * connection are carried into the copy); without, a new connection copies one read snapshot with
 * `VACUUM INTO` (WAL lets the server keep writing). The copy is written under a temporary name,
 * checked (`PRAGMA integrity_check`) and then renamed, so a file with a backup's name is complete.
 */
export async function backupDatabase(input: {
  databasePath: string
  dir: string
  now: number
  connection?: Sqlite.Database
}): Promise<{ path: string; bytes: number }> {
  const dir = resolve(input.dir)
  mkdirSync(dir, { recursive: true })
  const target = freeName(dir, input.now)
  const partial = `${target}.partial`
  rmSync(partial, { force: true })
  try {
    if (input.connection) {
      await input.connection.backup(partial)
    } else {
      const source = new Sqlite(input.databasePath, { fileMustExist: true })
      try {
        source.pragma('busy_timeout = 10000')
        source.prepare('VACUUM INTO ?').run(partial)
      } finally {
        source.close()
      }
    }
    selfContained(partial)
    checkDatabaseFile(partial)
    renameSync(partial, target)
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  }
  return { path: target, bytes: statSync(target).size }
}

/** The backups in `dir`, oldest first. */
export function listBackups(dir: string): { path: string; at: string }[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .map((name) => ({ name, match: BACKUP_NAME.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => ({ path: join(dir, f.name), at: f.match[1] ?? '' }))
}

/** Deletes the oldest backups beyond `keep`; returns the deleted paths. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir)
  const doomed = all.slice(0, Math.max(0, all.length - keep))
  for (const b of doomed) rmSync(b.path, { force: true })
  return doomed.map((b) => b.path)
}

/** When the newest backup in `dir` was taken (ms), or null. */
export function latestBackupAt(dir: string): number | null {
  const last = listBackups(dir).at(-1)
  if (!last) return null
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(last.at)
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null
}

/** A copy keeps the source's WAL mode: make it one plain file (no -wal / -shm beside it). */
function selfContained(path: string): void {
  const db = new Sqlite(path, { fileMustExist: true })
  try {
    db.pragma('journal_mode = DELETE')
  } finally {
    db.close()
  }
}

/** Refuses a file that is not an intact Joren database. */
export function checkDatabaseFile(path: string): void {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true })
  try {
    const result = db.pragma('integrity_check', { simple: true }) as string
    if (result !== 'ok') throw new Error(`${path} is damaged: ${result}`)
    const joren = db
      .prepare(
        `SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('__drizzle_migrations', 'members')`,
      )
      .get() as { n: number }
    if (joren.n !== 2) throw new Error(`${path} is not a Joren database`)
  } finally {
    db.close()
  }
}

/**
 * Puts a backup in place of the database at `databasePath` (the server must be stopped). The file
 * is checked first; the current database (with its WAL) is kept beside it as
 * `<name>.before-restore-<time>`; the copy goes in under a temporary name and is renamed.
 */
export function restoreDatabase(input: { file: string; databasePath: string; now: number }): {
  keptPrevious: string | null
} {
  const file = resolve(input.file)
  const target = resolve(input.databasePath)
  checkDatabaseFile(file)
  mkdirSync(resolve(target, '..'), { recursive: true })
  const incoming = `${target}.restoring`
  rmSync(incoming, { force: true })
  // A copy through SQLite, not the bytes: the result is a plain rollback-journal file of its own.
  const source = new Sqlite(file, { readonly: true, fileMustExist: true })
  try {
    source.prepare('VACUUM INTO ?').run(incoming)
  } finally {
    source.close()
  }
  selfContained(incoming)
  let keptPrevious: string | null = null
  if (existsSync(target)) {
    // Fold the WAL in first, so the kept file is whole on its own.
    const current = new Sqlite(target, { fileMustExist: true })
    try {
      current.pragma('wal_checkpoint(TRUNCATE)')
    } finally {
      current.close()
    }
    keptPrevious = `${target}.before-restore-${stamp(input.now)}`
    renameSync(target, keptPrevious)
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true })
  renameSync(incoming, target)
  return { keptPrevious }
}
