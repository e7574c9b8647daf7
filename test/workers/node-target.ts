import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../../server/src/config.ts'
import { silentLogger } from '../../server/src/domain/ports.ts'
import { startNodeServer, type NodeServer } from '../../server/src/entry/node-server.ts'

export interface LineEndpoint {
  url: string
  channelSecret: string
  channelAccessToken: string
}

export interface NodeTarget {
  url: string
  server: NodeServer
  /** Rows from the SQLite file, read directly on the server's connection. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>
  dispose(): Promise<void>
}

/** The Node entry (better-sqlite3 in a temp file), configured the way an operator would. */
export async function startNodeTarget(line: LineEndpoint): Promise<NodeTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'joren-node-state-'))
  const config = parseConfig({
    DATABASE_PATH: join(dir, 'joren.db'),
    PORT: '0',
    HOST: '127.0.0.1',
    LINE_CHANNEL_SECRET: line.channelSecret,
    LINE_CHANNEL_ACCESS_TOKEN: line.channelAccessToken,
    LINE_API_BASE_URL: line.url,
    LINE_DATA_API_BASE_URL: line.url,
  })
  let server: NodeServer
  try {
    server = await startNodeServer({
      config,
      line: {
        channelSecret: config.LINE_CHANNEL_SECRET ?? '',
        channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN ?? '',
        apiBaseUrl: config.LINE_API_BASE_URL,
        dataApiBaseUrl: config.LINE_DATA_API_BASE_URL,
      },
      logger: silentLogger,
    })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return {
    url: server.url,
    server,
    async query<T>(sql: string, ...params: unknown[]) {
      return server.database.sqlite.prepare(sql).all(...params) as T[]
    },
    async dispose() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
