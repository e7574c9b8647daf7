/**
 * LINE's error answers in Japanese, for staff. LINE answers in English (`{"message": "..."}` with
 * an HTTP status); the common messages are translated, anything else is shown as a Japanese
 * sentence with LINE's own words, so a reason is never lost or left untranslated.
 *
 * What is stored (chat_messages.delivery_detail, broadcast chunks' reasons) is LINE's answer as
 * `formatLineAnswer` writes it: "<status> <message>" (status 0: no HTTP answer).
 */

/** The stored form of LINE's answer: "400 Invalid reply token". */
export function formatLineAnswer(status: number | undefined, message: string): string {
  return `${status ?? 0} ${message}`.slice(0, 1000)
}

/** [pattern on LINE's message, Japanese]; first match wins. */
const KNOWN: readonly [RegExp, string][] = [
  [/invalid reply token/i, '返信用トークンが使えません（使用済みか、有効期限切れです）。'],
  [/monthly limit/i, '今月の送信できるメッセージ数の上限に達しました。'],
  [
    /rate limit|too many requests/i,
    'LINE の送信回数の制限（レート制限）に達しました。しばらくしてから送られます。',
  ],
  [
    /authentication failed|invalid.*access token|channel access token/i,
    'LINE の認証に失敗しました（チャネルアクセストークンが無効か期限切れです）。設定を確認してください。',
  ],
  [
    /not available for your account|access to this api/i,
    'この LINE 公式アカウントでは、この送信方法が使えません（プランまたは権限）。',
  ],
  [
    /failed to send messages/i,
    'LINE がメッセージを送れませんでした（相手が友だちでない、ブロックされた、または退会したアカウントの可能性があります）。',
  ],
  [
    /not found/i,
    '送信先の LINE ユーザーが見つかりません（友だちでないか、退会した可能性があります）。',
  ],
  [/property, '?to'?|recipient/i, '送信先の指定が正しくありません。'],
  [
    /must be (?:non-empty text|specified)|request body has \d+ error|invalid (?:property|message)|must be one of|size must be|length must be|exceeds|too long/i,
    'メッセージの内容が LINE の形式や上限に合いません（文字数・画像の URL・ボタンなど）。',
  ],
  [
    /retry key is already|conflict/i,
    'LINE はこのメッセージを以前に受け付け済みです（重複は送られません）。',
  ],
  [/request entity too large|payload too large/i, 'メッセージが大きすぎます。'],
  [
    /internal server error|service unavailable|bad gateway|gateway timeout/i,
    'LINE 側で一時的な障害が起きています。',
  ],
]

const BY_STATUS: Readonly<Record<number, string>> = {
  0: 'LINE に接続できませんでした（通信エラーまたはタイムアウト）。',
  400: 'LINE がメッセージを受け付けませんでした（リクエストの内容が正しくありません）。',
  401: 'LINE の認証に失敗しました。設定を確認してください。',
  403: 'この LINE 公式アカウントでは、この送信方法が使えません。',
  404: '送信先が LINE に見つかりません。',
  409: 'LINE はこのメッセージを以前に受け付け済みです。',
  413: 'メッセージが大きすぎます。',
  429: 'LINE の制限に達しました。',
}

/**
 * LINE's answer (as stored by formatLineAnswer, or a bare message) in Japanese. Known messages
 * are translated; others become "LINE が受け付けませんでした（HTTP 400）。LINE の説明: …".
 */
export function lineAnswerInJapanese(stored: string | null | undefined): string | null {
  if (!stored) return null
  const match = /^(\d{1,3}) ([\s\S]*)$/.exec(stored)
  const status = match ? Number(match[1]) : undefined
  const message = (match ? match[2] : stored)?.trim() ?? ''
  for (const [pattern, japanese] of KNOWN) if (pattern.test(message)) return japanese
  const general =
    status !== undefined
      ? (BY_STATUS[status] ??
        (status >= 500
          ? 'LINE 側で障害が起きています。'
          : `LINE がメッセージを受け付けませんでした（HTTP ${status}）。`))
      : 'LINE がメッセージを受け付けませんでした。'
  return message ? `${general}LINE の説明: 「${message.slice(0, 300)}」` : general
}
