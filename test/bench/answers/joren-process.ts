/**
 * Bench child: the product's Node server as `npm start` wires it, on a database seeded with a shop
 * of `extraMembers` members with five purchases each (so the daily tier pass and summary rebuild
 * have real work), the stand-in's users as following members, the shop FAQ, an owner and an API
 * key. The daily jobs are marked done for today, so the minute timer runs only the light jobs
 * until the driver asks for a full periodic run ('tick').
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parseConfig } from '../../../server/src/config.ts'
import { openNodeDatabase } from '../../../server/src/db/node-sqlite.ts'
import { RFM_DAILY_PASS_KEY } from '../../../server/src/db/segments/upkeep.ts'
import { localDate } from '../../../server/src/domain/loyalty/dates.ts'
import { createConsoleLogger } from '../../../server/src/entry/console-logger.ts'
import { startNodeServer } from '../../../server/src/entry/node-server.ts'
import { DAILY_PASS_KEY } from '../../../server/src/compose/upkeep.ts'
import { serveParent } from '../support/child.ts'
import { benchMemberNumber } from './shared.ts'

export interface AnswersJorenSettings {
  databasePath: string
  lineUrl: string
  jwksUrl: string
  issuer: string
  loginChannelId: string
  channelSecret: string
  channelAccessToken: string
  /** The stand-in's users: following members. */
  memberUserIds: string[]
  ownerUserId: string
  apiKey: string
  extraMembers: number
}

const settings = JSON.parse(process.env.BENCH_ANSWERS_JOREN ?? '{}') as AnswersJorenSettings
const TZ = 'Asia/Tokyo'
const DAY = 86_400_000
const now = Date.now()

function seed(): void {
  const database = openNodeDatabase(settings.databasePath, { checkpointEveryMs: 0 })
  const { sqlite } = database
  const faq = JSON.parse(
    readFileSync(new URL('../../faq/shop-faq.json', import.meta.url), 'utf8'),
  ) as { entries: { questions: string[]; answer: string }[] }
  const extra = settings.extraMembers
  const base = 1_000_000
  sqlite.transaction(() => {
    const member = sqlite.prepare(
      `INSERT INTO members (id, line_user_id, member_number, display_name, follow_state, follow_state_at,
                            first_followed_at, followed_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'following', ?, ?, ?, ?, ?)`,
    )
    settings.memberUserIds.forEach((userId, i) =>
      member.run(base + i, userId, benchMemberNumber(i), `常連${i}`, 1, 1, 1, 1, 1),
    )
    sqlite.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${extra})
      INSERT INTO members (id, line_user_id, member_number, display_name, follow_state, follow_state_at,
                           followed_at, created_at, updated_at)
      SELECT i, 'U' || printf('%032x', i), printf('%010d', i), '会員' || i,
             CASE WHEN i % 20 = 0 THEN 'blocked' ELSE 'following' END, 1,
             ${now} - (i * 7919 % 1000) * ${DAY}, 1, 1
      FROM n;
      INSERT INTO tiers (name, min_spend_yen, multiplier_percent, created_at)
      VALUES ('レギュラー', 0, 100, 1), ('シルバー', 30000, 120, 1), ('ゴールド', 100000, 150, 1);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${extra * 5})
      INSERT INTO purchases (member_id, amount_yen, categories, purchased_at, source, status, created_at)
      SELECT i % ${extra} + 1, 500 + (i * 7919 % 200) * 100,
             CASE i % 3 WHEN 0 THEN '["food"]' WHEN 1 THEN '["drink"]' ELSE '["food","drink"]' END,
             ${now} - (i * 104729 % 500) * ${DAY}, 'csv', 'completed', 1
      FROM n;
      INSERT INTO member_tiers (member_id, tier_id, spend_12m_yen, updated_at)
      SELECT member_id, NULL, sum(amount_yen), 1 FROM purchases GROUP BY member_id;
    `)
    const faqInsert = sqlite.prepare(
      'INSERT INTO faq_entries (questions, answer, enabled, created_at, updated_at) VALUES (?, ?, 1, ?, ?)',
    )
    for (const entry of faq.entries)
      faqInsert.run(JSON.stringify(entry.questions), entry.answer, now, now)
    const owner = sqlite
      .prepare(
        "INSERT INTO staff (line_user_id, display_name, role, created_at, updated_at) VALUES (?, '店長', 'owner', ?, ?) RETURNING id",
      )
      .get(settings.ownerUserId, now, now) as { id: number }
    sqlite
      .prepare(
        "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_by, created_at) VALUES ('POS', ?, ?, 'purchases:write', ?, ?)",
      )
      .run(
        settings.apiKey.slice(0, 8),
        createHash('sha256').update(settings.apiKey).digest('hex'),
        owner.id,
        now,
      )
    markDailyJobsDone(sqlite)
  })()
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  sqlite.close()
}

function markDailyJobsDone(sqlite: ReturnType<typeof openNodeDatabase>['sqlite']): void {
  const today = JSON.stringify(localDate(Date.now(), TZ))
  const put = sqlite.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  )
  for (const key of [DAILY_PASS_KEY, RFM_DAILY_PASS_KEY]) put.run(key, today, Date.now())
}

const seeding = performance.now()
seed()
const seededMs = performance.now() - seeding

const config = parseConfig({
  DATABASE_PATH: settings.databasePath,
  PORT: '0',
  HOST: '127.0.0.1',
  LINE_CHANNEL_SECRET: settings.channelSecret,
  LINE_CHANNEL_ACCESS_TOKEN: settings.channelAccessToken,
  LINE_API_BASE_URL: settings.lineUrl,
  LINE_DATA_API_BASE_URL: settings.lineUrl,
  LINE_LOGIN_CHANNEL_ID: settings.loginChannelId,
  LINE_JWKS_URL: settings.jwksUrl,
  LINE_ID_TOKEN_ISSUER: settings.issuer,
  SHOP_TIMEZONE: TZ,
})
const server = await startNodeServer({
  config,
  line: {
    channelSecret: settings.channelSecret,
    channelAccessToken: settings.channelAccessToken,
    apiBaseUrl: settings.lineUrl,
    dataApiBaseUrl: settings.lineUrl,
  },
  logger: createConsoleLogger('error'),
  // As `npm start` does: the FAQ analyser is loaded before the server listens (~1.2 s).
  warmFaq: true,
})

const loopDelay = monitorEventLoopDelay({ resolution: 5 })
const phaseDelay = monitorEventLoopDelay({ resolution: 5 })

let stopped: Promise<void> | null = null
serveParent(
  { url: server.url, seededMs },
  {
    loopStart() {
      phaseDelay.reset()
      phaseDelay.enable()
      return null
    },
    loopStop() {
      phaseDelay.disable()
      return {
        p99Ms: phaseDelay.percentile(99) / 1e6,
        maxMs: phaseDelay.max / 1e6,
      }
    },
    /** Forgets that today's daily jobs ran, then runs the periodic jobs: the first tick of a day. */
    async tick() {
      server.database.sqlite
        .prepare('DELETE FROM settings WHERE key IN (?, ?)')
        .run(DAILY_PASS_KEY, RFM_DAILY_PASS_KEY)
      loopDelay.reset()
      loopDelay.enable()
      const started = performance.now()
      await server.runPeriodic()
      const ms = performance.now() - started
      loopDelay.disable()
      return {
        ms,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      }
    },
  },
  () => (stopped ??= server.close()),
)
