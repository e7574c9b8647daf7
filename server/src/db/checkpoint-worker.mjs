// Runs PASSIVE WAL checkpoints on its own connection, off the request thread. A PASSIVE checkpoint
// never waits for readers or writers, so it cannot stall the server's queries.
import Sqlite from 'better-sqlite3'
import { workerData } from 'node:worker_threads'

const sqlite = new Sqlite(workerData.path)
sqlite.pragma('busy_timeout = 0')
setInterval(() => {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy: the next tick tries again.
  }
}, workerData.everyMs)
