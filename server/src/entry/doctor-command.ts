import { channelTokenSettings, ConfigError, parseConfig, type Config } from '../config.ts'
import { silentLogger, systemClock, type Clock } from '../domain/ports.ts'
import { createChannelTokenSource } from '../line/channel-token.ts'

export type Lang = 'ja' | 'en'

export interface DoctorCheck {
  id: 'config' | 'public-url' | 'token' | 'webhook-endpoint' | 'webhook-test' | 'login' | 'quota'
  status: 'pass' | 'fail' | 'skip'
  /** What was found, in the chosen language. */
  detail: string
  /** How to fix it (fail only), in the chosen language. */
  fix?: string
}

export interface DoctorOptions {
  env: Record<string, string | undefined>
  lang?: Lang
  /** LINE's APIs and the public URL (tests pass one that trusts their HTTPS proxy). */
  fetch?: typeof fetch
  clock?: Clock
  timeoutMs?: number
}

type Text = { ja: string; en: string }
const t = (ja: string, en: string): Text => ({ ja, en })

type Add = (id: DoctorCheck['id'], status: DoctorCheck['status'], detail: Text, fix?: Text) => void

/** What every check after the configuration asks with. */
interface Probe {
  config: Config
  add: Add
  /** A request with the doctor's timeout. */
  get: (url: string, init?: RequestInit) => Promise<Response>
  /** A request to LINE's API with the channel access token. */
  lineGet: (path: string, init?: RequestInit) => Promise<Response>
  webhookUrl: string
  api: string
}

/**
 * `npm run doctor`: checks the configuration against LINE — the configuration itself, that
 * PUBLIC_URL is HTTPS and answers as this server, that the channel access token works (bot info),
 * that the webhook URL LINE has is PUBLIC_URL + /webhook and in use, that LINE's test call reaches
 * it, that the LIFF / MINI App ID belongs to the LINE Login channel whose ID is the ID tokens'
 * audience and LINE's keys can be read, and that the message quota is readable. Every check
 * answers pass / fail (or skip when an earlier one makes it meaningless) and, on fail, the fix.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init))
  const clock = options.clock ?? systemClock
  const timeoutMs = options.timeoutMs ?? 10_000
  const checks: DoctorCheck[] = []
  const add = (
    id: DoctorCheck['id'],
    status: DoctorCheck['status'],
    detail: Text,
    fix?: Text,
  ): void => {
    const lang = options.lang ?? 'ja'
    checks.push({ id, status, detail: detail[lang], ...(fix ? { fix: fix[lang] } : {}) })
  }

  const config = checkConfig(options.env, add)
  if (!config) return checks

  const get = (url: string, init: RequestInit = {}) =>
    doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  const webhookUrl = `${config.PUBLIC_URL}/webhook`
  await checkPublicUrl({ config, add, get })

  // The channel access token: issue it (short-lived kinds), then read the bot info.
  const api = config.LINE_API_BASE_URL
  const bearer = await issueToken(config, clock, doFetch, add)
  const lineGet = (path: string, init: RequestInit = {}) =>
    get(`${api}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${bearer ?? ''}`,
        ...(init.headers as Record<string, string>),
      },
    })
  const skipRest = (reason: Text) => {
    for (const id of ['webhook-endpoint', 'webhook-test', 'quota'] as const) add(id, 'skip', reason)
  }
  const probe: Probe = { config, add, get, lineGet, webhookUrl, api }
  const tokenWorks = bearer !== null && (await checkBotInfo(probe))

  if (!tokenWorks) {
    skipRest(t('トークンが使えないため確認できません。', 'Not checked: the token does not work.'))
  } else {
    await checkWebhook(probe)
  }
  await checkLogin(probe)
  if (tokenWorks) await checkQuota(probe)
  return checks
}

/** The configuration itself: null (and a failed check) when it cannot run against LINE. */
function checkConfig(env: DoctorOptions['env'], add: Add): Config | null {
  let config: Config
  try {
    config = parseConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    add(
      'config',
      'fail',
      t(`設定が正しくありません: ${error.message}`, error.message),
      t(
        '.env（または環境変数）の値を README の「Configuration」の表に合わせて直してください。',
        'Correct the value in .env (or the environment) as the Configuration table in the README describes.',
      ),
    )
    return null
  }
  if (config.sandbox) {
    add(
      'config',
      'fail',
      t(
        'LINE チャネルが設定されていません（サンドボックスで動きます）。',
        'No LINE channel is configured (Joren would run the sandbox).',
      ),
      t(
        'LINE Developers コンソールの Messaging API チャネルから LINE_CHANNEL_SECRET と LINE_CHANNEL_ACCESS_TOKEN を .env に設定してください。',
        'Set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN in .env from the Messaging API channel in the LINE Developers console.',
      ),
    )
    return null
  }
  add(
    'config',
    'pass',
    t(
      `設定を読み込みました（トークン: ${config.LINE_CHANNEL_TOKEN_KIND}）。`,
      `Configuration read (token: ${config.LINE_CHANNEL_TOKEN_KIND}).`,
    ),
  )
  return config
}

/** PUBLIC_URL: HTTPS, and this server answers there (through the reverse proxy). */
async function checkPublicUrl(probe: Pick<Probe, 'config' | 'add' | 'get'>) {
  const { config, add, get } = probe
  if (!config.PUBLIC_URL.startsWith('https://')) {
    add(
      'public-url',
      'fail',
      t(
        `PUBLIC_URL が HTTPS ではありません: ${config.PUBLIC_URL}`,
        `PUBLIC_URL is not HTTPS: ${config.PUBLIC_URL}`,
      ),
      t(
        'LINE は HTTPS の Webhook にしか送りません。HTTPS のリバースプロキシ（docs/OPERATIONS.md）の公開 URL を PUBLIC_URL に設定してください。',
        'LINE only delivers to HTTPS webhooks. Put Joren behind an HTTPS reverse proxy (docs/OPERATIONS.md) and set PUBLIC_URL to its public origin.',
      ),
    )
  } else {
    try {
      const res = await get(`${config.PUBLIC_URL}/healthz`)
      const body = (await res.json().catch(() => null)) as {
        ok?: unknown
        sandbox?: unknown
      } | null
      if (res.status === 200 && body?.ok === true && body.sandbox !== true)
        add(
          'public-url',
          'pass',
          t(`${config.PUBLIC_URL} に到達できます。`, `${config.PUBLIC_URL} is reachable.`),
        )
      else
        add(
          'public-url',
          'fail',
          t(
            `${config.PUBLIC_URL}/healthz が Joren として応答しません（HTTP ${res.status}）。`,
            `${config.PUBLIC_URL}/healthz does not answer as Joren (HTTP ${res.status}).`,
          ),
          t(
            'Joren を起動し、リバースプロキシがこのサーバー（HOST:PORT）へ転送しているか確認してください。',
            'Start Joren and check that the reverse proxy forwards to this server (HOST:PORT).',
          ),
        )
    } catch (error) {
      add(
        'public-url',
        'fail',
        t(
          `${config.PUBLIC_URL} に接続できません: ${String(error)}`,
          `${config.PUBLIC_URL} cannot be reached: ${String(error)}`,
        ),
        t(
          'DNS、証明書（有効で信頼された証明書か）、リバースプロキシ、ファイアウォールを確認してください。',
          'Check DNS, the certificate (valid and trusted), the reverse proxy and the firewall.',
        ),
      )
    }
  }
}

/** The channel access token, issued now for the short-lived kinds; null (and a failed check) if not. */
async function issueToken(
  config: Config,
  clock: Clock,
  doFetch: typeof fetch,
  add: Add,
): Promise<string | null> {
  const api = config.LINE_API_BASE_URL
  let bearer: string | null = null
  try {
    bearer = await createChannelTokenSource({
      settings: channelTokenSettings(config),
      apiBaseUrl: api,
      clock,
      logger: silentLogger,
      fetch: doFetch,
    }).token()
  } catch (error) {
    add(
      'token',
      'fail',
      t(
        `チャネルアクセストークンを発行できません: ${String(error)}`,
        `The channel access token cannot be issued: ${String(error)}`,
      ),
      t(
        'LINE_CHANNEL_ID、LINE_CHANNEL_KEY_ID と LINE_CHANNEL_PRIVATE_KEY（コンソールに登録した公開鍵の対の秘密鍵）を確認してください。',
        'Check LINE_CHANNEL_ID, LINE_CHANNEL_KEY_ID and LINE_CHANNEL_PRIVATE_KEY (the private half of the public key registered in the console).',
      ),
    )
  }
  return bearer
}

/** The bot info, read with the token: whether the token works. */
async function checkBotInfo(probe: Probe): Promise<boolean> {
  const { add, lineGet, api } = probe
  let tokenWorks = false
  try {
    const res = await lineGet('/v2/bot/info')
    const requestId = res.headers.get('x-line-request-id') ?? '-'
    if (res.ok) {
      const info = (await res.json()) as { displayName?: string; basicId?: string }
      tokenWorks = true
      add(
        'token',
        'pass',
        t(
          `トークンは有効です: 「${info.displayName ?? '?'}」(${info.basicId ?? '?'})`,
          `The token works: "${info.displayName ?? '?'}" (${info.basicId ?? '?'})`,
        ),
      )
    } else {
      await res.body?.cancel()
      add(
        'token',
        'fail',
        t(
          `LINE がトークンを受け付けません（HTTP ${res.status}, x-line-request-id ${requestId}）。`,
          `LINE refuses the token (HTTP ${res.status}, x-line-request-id ${requestId}).`,
        ),
        t(
          'LINE Developers コンソールの「Messaging API設定」で長期のチャネルアクセストークンを再発行し、LINE_CHANNEL_ACCESS_TOKEN を置き換えて再起動してください（docs/OPERATIONS.md「トークンの更新」）。',
          'Reissue the long-lived channel access token on the Messaging API tab of the LINE Developers console, replace LINE_CHANNEL_ACCESS_TOKEN and restart (docs/OPERATIONS.md, token rotation).',
        ),
      )
    }
  } catch (error) {
    add(
      'token',
      'fail',
      t(
        `LINE（${api}）に接続できません: ${String(error)}`,
        `LINE (${api}) cannot be reached: ${String(error)}`,
      ),
      t(
        'このサーバーから api.line.me への外向き HTTPS（プロキシ、ファイアウォール）と LINE_API_BASE_URL を確認してください。',
        'Check outbound HTTPS from this server to api.line.me (proxy, firewall) and LINE_API_BASE_URL.',
      ),
    )
  }
  return tokenWorks
}

/** The webhook URL LINE has and "Use webhook", then LINE's own test call to it. */
async function checkWebhook(probe: Probe) {
  const { add, lineGet, webhookUrl } = probe
  // The webhook URL LINE has, and "Use webhook".
  let endpointOk = false
  try {
    const res = await lineGet('/v2/bot/channel/webhook/endpoint')
    const info = (await res.json()) as { endpoint?: string; active?: boolean }
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    if (info.endpoint !== webhookUrl)
      add(
        'webhook-endpoint',
        'fail',
        t(
          `LINE に登録された Webhook URL が「${info.endpoint || '（未設定）'}」です（期待: ${webhookUrl}）。`,
          `The webhook URL LINE has is "${info.endpoint || '(none)'}" (expected ${webhookUrl}).`,
        ),
        t(
          `LINE Developers コンソールの「Messaging API設定」で Webhook URL を ${webhookUrl} にしてください（または PUBLIC_URL を直してください）。`,
          `Set the webhook URL on the Messaging API tab of the LINE Developers console to ${webhookUrl} (or correct PUBLIC_URL).`,
        ),
      )
    else if (info.active !== true)
      add(
        'webhook-endpoint',
        'fail',
        t(
          'Webhook URL は正しいですが「Webhookの利用」がオフです。',
          'The webhook URL is right but "Use webhook" is off.',
        ),
        t(
          'LINE Developers コンソールの「Messaging API設定」で「Webhookの利用」をオンにしてください。',
          'Turn on "Use webhook" on the Messaging API tab of the LINE Developers console.',
        ),
      )
    else {
      endpointOk = true
      add(
        'webhook-endpoint',
        'pass',
        t(
          `Webhook URL は ${webhookUrl} で、利用中です。`,
          `The webhook URL is ${webhookUrl} and in use.`,
        ),
      )
    }
  } catch (error) {
    add(
      'webhook-endpoint',
      'fail',
      t(
        `Webhook URL を読めません: ${String(error)}`,
        `The webhook URL cannot be read: ${String(error)}`,
      ),
      t('しばらくして再実行してください。', 'Run the doctor again in a while.'),
    )
  }

  // LINE's own test call to PUBLIC_URL/webhook (signed with the channel secret).
  try {
    const res = await lineGet('/v2/bot/channel/webhook/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: webhookUrl }),
    })
    const result = (await res.json()) as {
      success?: boolean
      statusCode?: number
      reason?: string
      detail?: string
    }
    if (res.ok && result.success === true)
      add(
        'webhook-test',
        'pass',
        t(
          `LINE からのテスト送信が届きました（HTTP ${result.statusCode ?? 200}）${endpointOk ? '' : '（URL の設定は上を参照）'}。`,
          `LINE's test call reached the webhook (HTTP ${result.statusCode ?? 200})${endpointOk ? '' : ' (see above for the URL setting)'}.`,
        ),
      )
    else {
      const status = result.statusCode ?? res.status
      add(
        'webhook-test',
        'fail',
        t(
          `LINE からのテスト送信が失敗しました（${result.reason ?? 'HTTP ' + res.status}, ステータス ${status}${result.detail ? ', ' + result.detail : ''}）。`,
          `LINE's test call failed (${result.reason ?? 'HTTP ' + res.status}, status ${status}${result.detail ? ', ' + result.detail : ''}).`,
        ),
        status === 401
          ? t(
              'Joren が署名を拒否しました: LINE_CHANNEL_SECRET がこのチャネルの「チャネルシークレット」と一致しているか確認してください。',
              "Joren refused the signature: check that LINE_CHANNEL_SECRET is this channel's channel secret.",
            )
          : t(
              `LINE から ${webhookUrl} に HTTPS で届くか（証明書、リバースプロキシの /webhook 転送、ファイアウォール）を確認してください。`,
              `Check that LINE can reach ${webhookUrl} over HTTPS (certificate, the proxy forwarding /webhook, firewall).`,
            ),
      )
    }
  } catch (error) {
    add(
      'webhook-test',
      'fail',
      t(
        `テスト送信を依頼できません: ${String(error)}`,
        `The test call could not be requested: ${String(error)}`,
      ),
      t('しばらくして再実行してください。', 'Run the doctor again in a while.'),
    )
  }
}

/** LINE Login: the LIFF / MINI App belongs to the channel whose ID is the tokens' audience. */
async function checkLogin(probe: Probe) {
  const { config, add, get } = probe
  const loginId = config.LINE_LOGIN_CHANNEL_ID
  const liffId = config.LIFF_ID
  if (!loginId || !liffId) {
    add(
      'login',
      'fail',
      t(
        `${!loginId ? 'LINE_LOGIN_CHANNEL_ID' : 'LIFF_ID'} が未設定です: 会員・スタッフ画面にサインインできません。`,
        `${!loginId ? 'LINE_LOGIN_CHANNEL_ID' : 'LIFF_ID'} is not set: members and staff cannot sign in.`,
      ),
      t(
        'LINE ログインチャネル（または LINE ミニアプリチャネル）のチャネル ID を LINE_LOGIN_CHANNEL_ID に、その LIFF ID を LIFF_ID に設定してください。',
        'Set LINE_LOGIN_CHANNEL_ID to the LINE Login (or LINE MINI App) channel ID and LIFF_ID to its LIFF ID.',
      ),
    )
  } else if (liffId.split('-')[0] !== loginId) {
    add(
      'login',
      'fail',
      t(
        `LIFF_ID ${liffId} はチャネル ${liffId.split('-')[0]} のものですが、LINE_LOGIN_CHANNEL_ID は ${loginId} です: ID トークンの aud が一致せず、サインインが拒否されます。`,
        `LIFF_ID ${liffId} belongs to channel ${liffId.split('-')[0]} but LINE_LOGIN_CHANNEL_ID is ${loginId}: the ID tokens' aud will not match and sign-in is refused.`,
      ),
      t(
        'LIFF アプリ（ミニアプリ）を持つチャネルのチャネル ID を LINE_LOGIN_CHANNEL_ID に設定してください。',
        'Set LINE_LOGIN_CHANNEL_ID to the ID of the channel the LIFF app (MINI App) belongs to.',
      ),
    )
  } else {
    try {
      const res = await get(config.LINE_JWKS_URL)
      const jwks = (await res.json()) as { keys?: unknown[] }
      if (!res.ok || !Array.isArray(jwks.keys) || jwks.keys.length === 0)
        throw new Error(`HTTP ${res.status}, no keys`)
      add(
        'login',
        'pass',
        t(
          `LIFF ID ${liffId} はチャネル ${loginId}（ID トークンの aud）のもので、LINE の公開鍵を読めます。`,
          `LIFF ID ${liffId} belongs to channel ${loginId} (the ID tokens' aud) and LINE's keys can be read.`,
        ),
      )
    } catch (error) {
      add(
        'login',
        'fail',
        t(
          `ID トークンの公開鍵（${config.LINE_JWKS_URL}）を読めません: ${String(error)}`,
          `The ID token keys (${config.LINE_JWKS_URL}) cannot be read: ${String(error)}`,
        ),
        t(
          'LINE_JWKS_URL と外向き HTTPS を確認してください。',
          'Check LINE_JWKS_URL and outbound HTTPS.',
        ),
      )
    }
  }
}

/** The message quota (the broadcast screen shows it before sending). */
async function checkQuota(probe: Probe) {
  const { add, lineGet } = probe
  try {
    const [quota, usage] = await Promise.all([
      lineGet('/v2/bot/message/quota'),
      lineGet('/v2/bot/message/quota/consumption'),
    ])
    if (!quota.ok || !usage.ok) throw new Error(`HTTP ${quota.status} / ${usage.status}`)
    const q = (await quota.json()) as { type?: string; value?: number }
    const u = (await usage.json()) as { totalUsage?: number }
    const limit = q.type === 'limited' ? `${q.value ?? '?'}` : t('上限なし', 'no limit')
    add(
      'quota',
      'pass',
      t(
        `今月の送信数 ${u.totalUsage ?? '?'} / ${typeof limit === 'string' ? limit : limit.ja}`,
        `Messages this month ${u.totalUsage ?? '?'} / ${typeof limit === 'string' ? limit : limit.en}`,
      ),
    )
  } catch (error) {
    add(
      'quota',
      'fail',
      t(
        `メッセージ数の上限を読めません: ${String(error)}`,
        `The message quota cannot be read: ${String(error)}`,
      ),
      t(
        'トークンのチャネルが Messaging API チャネルか確認し、しばらくして再実行してください。',
        'Check that the token belongs to a Messaging API channel and run the doctor again in a while.',
      ),
    )
  }
}

/** The report as printed: one line per check, the fix indented under a failure. */
export function formatDoctor(checks: DoctorCheck[], lang: Lang = 'ja'): string {
  const label = {
    pass: lang === 'ja' ? '合格' : 'PASS',
    fail: lang === 'ja' ? '不合格' : 'FAIL',
    skip: lang === 'ja' ? '未確認' : 'SKIP',
  }
  const mark = { pass: '✔', fail: '✘', skip: '–' }
  const lines = checks.map((c) => {
    const head = `${mark[c.status]} ${label[c.status]}  [${c.id}] ${c.detail}`
    return c.fix ? `${head}\n    ${lang === 'ja' ? '対処' : 'Fix'}: ${c.fix}` : head
  })
  const failed = checks.filter((c) => c.status !== 'pass').length
  lines.push(
    failed === 0
      ? lang === 'ja'
        ? 'すべての確認に合格しました。'
        : 'All checks passed.'
      : lang === 'ja'
        ? `${failed} 件が合格していません。`
        : `${failed} check(s) did not pass.`,
  )
  return `${lines.join('\n')}\n`
}

/** 0 when every check passed; 1 otherwise (a skipped check counts: something before it failed). */
export function doctorExitCode(checks: DoctorCheck[]): number {
  return checks.every((c) => c.status === 'pass') ? 0 : 1
}
