// Runs read-only queries on its own connection, off the request thread: each message
// { id, sql, params } is answered with { id, rows } (rows as arrays) or { id, error }.
import Sqlite from 'better-sqlite3'
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'

// Background reads give way to the request thread when they compete for a core. On Linux a
// thread's nice value is its own (setpriority on the calling thread); elsewhere it would lower the
// whole process, so it is left alone.
if (process.platform === 'linux') {
  try {
    setPriority(10)
  } catch {
    // Not permitted: run at normal priority.
  }
}

const sqlite = new Sqlite(workerData.path, { readonly: true, fileMustExist: true })
sqlite.pragma('busy_timeout = 5000')
parentPort.on('message', ({ id, sql, params }) => {
  try {
    parentPort.postMessage({
      id,
      rows: sqlite
        .prepare(sql)
        .raw(true)
        .all(...params),
    })
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) })
  }
})
