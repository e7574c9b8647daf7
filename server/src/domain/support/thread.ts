import type { DeliveryReason, OutboundState, ThreadContent, ThreadMessage } from '@joren/shared'
import { lineAnswerInJapanese } from '../messaging/line-errors.ts'

/** A chat_messages row as the inbox reads it (joined with its content status and staff name). */
export interface ThreadRow {
  id: number
  memberId: number
  direction: 'in' | 'out'
  kind: string
  text: string | null
  payload: string
  origin: 'bot' | 'staff' | 'broadcast' | null
  staffId: number | null
  staffName: string | null
  via: 'reply' | 'push' | 'multicast' | null
  delivery: 'unknown' | 'failed' | null
  deliveryReason: DeliveryReason | null
  /** LINE's answer when it refused the message (formatLineAnswer). */
  deliveryDetail: string | null
  resendOf: number | null
  resentAs: number | null
  /** The outbox row's 'status:attempts' for messages recorded before they went; else null. */
  outboxState: string | null
  contentStatus: 'pending' | 'stored' | 'too_large' | 'failed' | null
  createdAt: number
}

export const contentPath = (chatMessageId: number) => `/api/staff/inbox/contents/${chatMessageId}`

/** LINE's public sticker image for a packageId / stickerId pair. */
export const stickerImageUrl = (stickerId: string) =>
  `https://stickershop.line-scdn.net/stickershop/v1/sticker/${encodeURIComponent(stickerId)}/android/sticker.png`

const OTHER_LABEL: Record<string, string> = {
  video: '[動画]',
  audio: '[音声]',
  file: '[ファイル]',
  location: '[位置情報]',
  imagemap: '[イメージマップ]',
  flex: '[Flex]',
  template: '[テンプレート]',
}

function parse(payload: string): Record<string, unknown> {
  try {
    const value = JSON.parse(payload) as unknown
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null

export function threadContent(row: ThreadRow): ThreadContent {
  const payload = parse(row.payload)
  switch (row.kind) {
    case 'text':
      return { type: 'text', text: row.text ?? str(payload.text) ?? '' }
    case 'image':
      if (row.direction === 'out')
        return {
          type: 'image',
          contentUrl: null,
          externalUrl: str(payload.originalContentUrl),
          status: 'external',
        }
      return {
        type: 'image',
        // Opening a pending image fetches it at once (or answers 404 while LINE is slow).
        contentUrl:
          row.contentStatus === 'stored' || row.contentStatus === 'pending'
            ? contentPath(row.id)
            : null,
        externalUrl: null,
        status: row.contentStatus ?? 'pending',
      }
    case 'sticker': {
      const stickerId = str(payload.stickerId) ?? ''
      const keywords = Array.isArray(payload.keywords) ? payload.keywords.filter(str) : []
      return {
        type: 'sticker',
        packageId: str(payload.packageId) ?? '',
        stickerId,
        imageUrl: stickerImageUrl(stickerId),
        label: keywords.length > 0 ? `[スタンプ] ${String(keywords[0])}` : '[スタンプ]',
      }
    }
    case 'postback': {
      const data = str(payload.data) ?? ''
      // The words recorded with it (「満足」を選択), else what LINE said the button showed.
      const label = row.text ?? str(payload.displayText) ?? str(payload.label)
      return { type: 'postback', data, label: label ?? 'ボタンを選択' }
    }
    default: {
      const base = OTHER_LABEL[row.kind] ?? `[${row.kind}]`
      const alt = str(payload.altText) ?? str(payload.title) ?? str(payload.fileName)
      return { type: 'other', label: alt ? `${base} ${alt}` : base }
    }
  }
}

/** Where an outbound message stands, from its thread row and its outbox row. */
export function outboundState(row: ThreadRow): OutboundState | null {
  if (row.direction === 'in') return null
  if (row.delivery !== null) return row.delivery
  if (row.via !== null) return 'sent'
  if (row.outboxState === null) return 'sent' // recorded once it went (bot, broadcasts)
  const [status, attempts] = row.outboxState.split(':')
  switch (status) {
    case 'pending':
      return Number(attempts) > 0 ? 'retrying' : 'queued'
    case 'sending':
      return Number(attempts) > 1 ? 'retrying' : 'queued'
    case 'sent':
      return 'sent'
    case 'unknown':
      return 'unknown'
    default:
      // skipped / failed / dead without a thread mark (e.g. written before marks existed)
      return 'failed'
  }
}

/** Failed staff messages may be resent as a push by staff (once each; blocked members never). */
function resendable(row: ThreadRow, state: OutboundState | null): boolean {
  return (
    row.origin === 'staff' &&
    state === 'failed' &&
    row.deliveryReason !== 'blocked' &&
    row.resentAs === null &&
    (row.kind === 'text' || row.kind === 'sticker' || row.kind === 'image')
  )
}

export function toThreadMessage(row: ThreadRow): ThreadMessage {
  const state = outboundState(row)
  return {
    id: row.id,
    memberId: row.memberId,
    direction: row.direction,
    kind: row.kind,
    content: threadContent(row),
    origin: row.direction === 'out' ? (row.origin ?? 'bot') : null,
    staff:
      row.staffId !== null && row.staffName !== null
        ? { id: row.staffId, displayName: row.staffName }
        : null,
    via: row.via,
    delivery:
      row.direction === 'out' && row.delivery !== null
        ? {
            state: row.delivery,
            reason: row.deliveryReason ?? 'gave_up',
            lineReason: lineAnswerInJapanese(row.deliveryDetail),
          }
        : row.direction === 'out' && state === 'failed'
          ? {
              state: 'failed',
              reason: row.outboxState?.startsWith('skipped') ? 'blocked' : 'gave_up',
              lineReason: null,
            }
          : null,
    state,
    resendable: row.direction === 'out' && resendable(row, state),
    resentAs: row.resentAs,
    resendOf: row.resendOf,
    createdAt: row.createdAt,
  }
}

/** One line for the conversation list. */
export function previewOf(row: Pick<ThreadRow, 'kind' | 'text' | 'direction'>): string {
  if (row.kind === 'text' && row.text) return row.text.slice(0, 80)
  if (row.kind === 'image') return '[画像]'
  if (row.kind === 'sticker') return '[スタンプ]'
  if (row.kind === 'postback') return row.text ? row.text.slice(0, 80) : 'ボタンを選択'
  return OTHER_LABEL[row.kind] ?? `[${row.kind}]`
}
