// Runs read-only queries on its own connection, off the request thread: each message
// { id, sql, params } is answered with { id, rows } (rows as arrays) or { id, error }.
import Sqlite from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'

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
