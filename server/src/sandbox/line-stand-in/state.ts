import { messageIdSequence, newUserId, randomHex, randomToken, userIdPattern } from './ids.ts'
import type {
  CreateUserInput,
  ReceivedMessage,
  RecordedRequest,
  SentEvent,
  StandInUser,
  Via,
} from './types.ts'

type LineMessage = Record<string, unknown>

/** One accepted send; shared by every recipient so multicast stores one pointer per user. */
interface Delivery {
  via: Via
  messages: LineMessage[]
  ids: string[]
  requestId: string
  retryKey: string | undefined
  replyToken: string | undefined
  at: number
  /** The request's customAggregationUnits[0] (push and multicast only). */
  unit?: string
}

/** When a user opened (and first clicked a link in) a message sent under an aggregation unit. */
export interface UnitInteraction {
  openedAt: number
  clickedAt: number | undefined
}

export interface UserRecord {
  profile: StandInUser
  everFollowed: boolean
  richMenuId: string | undefined
  inbox: Delivery[]
  /** What the user sent, oldest first, at most MAX_SENT_PER_USER (benchmarks send many). */
  sent: SentEvent[]
  /** Loading animations shown in the user's chat, oldest first (at most MAX_SENT_PER_USER). */
  loading: LoadingShown[]
}

export interface LoadingShown {
  seconds: number
  at: number
}

export interface SentMessage {
  id: string
  quoteToken?: string
}

export interface RichMenuRecord {
  richMenuId: string
  menu: Record<string, unknown>
  image: { contentType: string; data: Buffer } | undefined
}

const quotableTypes = new Set(['text', 'textV2', 'sticker', 'image', 'video'])
const retryKeyTtlMs = 24 * 60 * 60 * 1000
const MAX_SENT_PER_USER = 500

/** Fixed-capacity log that overwrites its oldest entries. */
export class RequestLog {
  private entries: RecordedRequest[] = []
  private start = 0

  constructor(private readonly capacity: number) {}

  push(entry: RecordedRequest): void {
    if (this.capacity <= 0) return
    if (this.entries.length < this.capacity) this.entries.push(entry)
    else {
      this.entries[this.start] = entry
      this.start = (this.start + 1) % this.capacity
    }
  }

  list(): RecordedRequest[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)]
  }

  clear(): void {
    this.entries = []
    this.start = 0
  }
}

/** What setQuota changes (each field optional: the others stay). */
export interface QuotaSettings {
  /** Messages a month; null: no limit (type 'none'). */
  limit?: number | null
  /** Messages already used this month. */
  used?: number
  /**
   * The consumption endpoint reports this many messages fewer than were used (LINE's usage figure
   * lags behind its sends); refusals still count every message.
   */
  reportedUsageLag?: number
}

/**
 * LINE's monthly message quota. A message is counted per recipient, whatever the number of
 * message objects (bubbles) in the request; a request that does not fit the remainder is refused
 * whole (429 "You have reached your monthly limit."), none of its recipients is counted.
 */
export class Quota {
  used = 0
  limit: number | null
  reportedUsageLag = 0
  private month: string

  constructor(
    private readonly initialLimit: number | null,
    private readonly now: () => number,
  ) {
    this.limit = initialLimit
    this.month = this.currentMonth()
  }

  private currentMonth(): string {
    return new Date(this.now()).toISOString().slice(0, 7)
  }

  private roll(): void {
    const month = this.currentMonth()
    if (month !== this.month) {
      this.month = month
      this.used = 0
    }
  }

  allows(count: number): boolean {
    this.roll()
    return this.limit === null || this.used + count <= this.limit
  }

  use(count: number): void {
    this.used += count
  }

  /** The figure GET /v2/bot/message/quota/consumption reports (lagging by reportedUsageLag). */
  usage(): number {
    this.roll()
    return Math.max(0, this.used - this.reportedUsageLag)
  }

  set(settings: QuotaSettings): void {
    this.roll()
    if (settings.limit !== undefined) this.limit = settings.limit
    if (settings.used !== undefined) this.used = settings.used
    if (settings.reportedUsageLag !== undefined) this.reportedUsageLag = settings.reportedUsageLag
  }

  reset(): void {
    this.used = 0
    this.limit = this.initialLimit
    this.reportedUsageLag = 0
  }
}

/**
 * What a restart must not lose (the sandbox keeps it beside its database): the users with their
 * chats (what the account sent them, what they sent), the rich menus and which one is the default.
 * Reply tokens, retry keys, the request log and the quota are session state and start afresh.
 */
export interface StandInSnapshot {
  version: 1
  users: {
    profile: StandInUser
    everFollowed: boolean
    richMenuId: string | undefined
    inbox: Delivery[]
    sent: SentEvent[]
  }[]
  richMenus: {
    richMenuId: string
    menu: Record<string, unknown>
    image?: { contentType: string; base64: string }
  }[]
  defaultRichMenuId: string | undefined
}

export class StandInState {
  readonly users = new Map<string, UserRecord>()
  readonly replyTokens = new Map<string, { userId: string; issuedAt: number }>()
  readonly retryKeys = new Map<
    string,
    { requestId: string; at: number; sentMessages?: SentMessage[] }
  >()
  readonly richMenus = new Map<string, RichMenuRecord>()
  /** Per aggregation unit: the users who opened one of its messages (tests mark them). */
  readonly unitInteractions = new Map<string, Map<string, UnitInteraction>>()
  /** customAggregationUnits names used per UTC+9 month: LINE allows 1,000 a month. */
  readonly unitNames = new Map<string, Set<string>>()
  unitNameLimit = 1000

  private unitMonth(): string {
    return new Date(this.now() + 9 * 3_600_000).toISOString().slice(0, 7)
  }

  /** Whether a send may carry `unit`: used already this month, or a name to spare. */
  unitAllowed(unit: string): boolean {
    const names = this.unitNames.get(this.unitMonth())
    return names?.has(unit) === true || (names?.size ?? 0) < this.unitNameLimit
  }

  /** Unit names used this month (GET /v2/bot/message/aggregation/info). */
  unitsUsedThisMonth(): number {
    return this.unitNames.get(this.unitMonth())?.size ?? 0
  }

  setAggregationUnits(settings: { limit?: number; month?: string; used?: string[] }): void {
    if (settings.limit !== undefined) this.unitNameLimit = settings.limit
    if (settings.used) {
      const month = settings.month ?? this.unitMonth()
      const names = this.unitNames.get(month) ?? new Set<string>()
      for (const unit of settings.used) names.add(unit)
      this.unitNames.set(month, names)
    }
  }

  private useUnit(unit: string): void {
    const month = this.unitMonth()
    const names = this.unitNames.get(month) ?? new Set<string>()
    names.add(unit)
    this.unitNames.set(month, names)
  }
  defaultRichMenuId: string | undefined
  /** Verified and premium accounts may list their friends (GET /v2/bot/followers/ids). */
  accountType: 'verified' | 'premium' | 'unverified' = 'verified'
  readonly contents = new Map<string, { contentType: string; data: Buffer }>()
  readonly log: RequestLog
  readonly quota: Quota
  readonly nextMessageId = messageIdSequence()
  private readonly quotePrefix = randomHex(6)
  private quoteCounter = 0
  private userCounter = 0

  constructor(
    readonly now: () => number,
    monthlyQuota: number | null,
    maxRecordedRequests: number,
  ) {
    this.log = new RequestLog(maxRecordedRequests)
    this.quota = new Quota(monthlyQuota, now)
  }

  createUser(input: CreateUserInput = {}): UserRecord {
    const userId = input.userId ?? newUserId()
    if (!userIdPattern.test(userId))
      throw new Error(`userId must match ${userIdPattern}: ${userId}`)
    if (this.users.has(userId)) throw new Error(`user ${userId} already exists`)
    this.userCounter++
    const profile: StandInUser = {
      userId,
      displayName: input.displayName ?? `Test User ${this.userCounter}`,
      friend: input.friend ?? false,
    }
    if (input.language !== undefined) profile.language = input.language
    if (input.pictureUrl !== undefined) profile.pictureUrl = input.pictureUrl
    if (input.statusMessage !== undefined) profile.statusMessage = input.statusMessage
    const record: UserRecord = {
      profile,
      everFollowed: profile.friend,
      richMenuId: undefined,
      inbox: [],
      sent: [],
      loading: [],
    }
    this.users.set(userId, record)
    return record
  }

  /** Known user, created on first sight when the ID is well-formed. */
  userFor(userId: string): UserRecord {
    return this.users.get(userId) ?? this.createUser({ userId })
  }

  setFriend(userId: string, friend: boolean): void {
    const user = this.userFor(userId)
    user.profile.friend = friend
    if (friend) user.everFollowed = true
  }

  sentMessages(messages: LineMessage[]): SentMessage[] {
    return messages.map((message) => {
      const id = this.nextMessageId()
      return quotableTypes.has(message.type as string)
        ? { id, quoteToken: `${this.quotePrefix}${(++this.quoteCounter).toString(36)}` }
        : { id }
    })
  }

  record(
    via: Via,
    recipients: UserRecord[],
    messages: LineMessage[],
    sent: SentMessage[],
    requestId: string,
    retryKey: string | undefined,
    replyToken?: string,
    unit?: string,
  ): void {
    if (unit !== undefined) this.useUnit(unit)
    if (recipients.length === 0) return
    const delivery: Delivery = {
      via,
      messages,
      ids: sent.map((s) => s.id),
      requestId,
      retryKey,
      replyToken,
      at: this.now(),
    }
    if (unit !== undefined) delivery.unit = unit
    for (const user of recipients) user.inbox.push(delivery)
  }

  received(userId: string): ReceivedMessage[] {
    const out: ReceivedMessage[] = []
    for (const d of this.users.get(userId)?.inbox ?? []) {
      d.messages.forEach((message, i) => {
        const entry: ReceivedMessage = {
          via: d.via,
          message,
          messageId: d.ids[i] ?? '',
          requestId: d.requestId,
          at: d.at,
        }
        if (d.retryKey !== undefined) entry.retryKey = d.retryKey
        if (d.replyToken !== undefined) entry.replyToken = d.replyToken
        if (d.unit !== undefined) entry.aggregationUnit = d.unit
        out.push(entry)
      })
    }
    return out
  }

  /**
   * The user opens the message `messageId` they received (and, with `click`, taps a link in it):
   * counted in its aggregation unit's statistics. Returns the unit (undefined: sent without one).
   */
  interact(userId: string, messageId: string, click: boolean): { unit: string | undefined } {
    const delivery = this.users.get(userId)?.inbox.find((d) => d.ids.includes(messageId))
    if (!delivery) throw new Error(`user ${userId} received no message ${messageId}`)
    if (delivery.unit === undefined) return { unit: undefined }
    let users = this.unitInteractions.get(delivery.unit)
    if (!users) this.unitInteractions.set(delivery.unit, (users = new Map()))
    const at = this.now()
    const seen = users.get(userId) ?? { openedAt: at, clickedAt: undefined }
    if (click && seen.clickedAt === undefined) seen.clickedAt = at
    users.set(userId, seen)
    return { unit: delivery.unit }
  }

  recordSent(userId: string, entry: SentEvent): void {
    const sent = this.userFor(userId).sent
    sent.push(entry)
    if (sent.length > MAX_SENT_PER_USER) sent.splice(0, sent.length - MAX_SENT_PER_USER)
  }

  showLoading(userId: string, seconds: number): void {
    const loading = this.userFor(userId).loading
    loading.push({ seconds, at: this.now() })
    if (loading.length > MAX_SENT_PER_USER) loading.splice(0, loading.length - MAX_SENT_PER_USER)
  }

  loading(userId: string): LoadingShown[] {
    return (this.users.get(userId)?.loading ?? []).map((entry) => ({ ...entry }))
  }

  sent(userId: string): SentEvent[] {
    return (this.users.get(userId)?.sent ?? []).map((entry) => ({ ...entry }))
  }

  issueReplyToken(userId: string): string {
    const token = randomHex(16)
    this.replyTokens.set(token, { userId, issuedAt: this.now() })
    return token
  }

  /** Consumes a live reply token and returns its user ID; undefined if unknown, used or stale. */
  takeReplyToken(token: string, ttlMs: number): string | undefined {
    const entry = this.replyTokens.get(token)
    if (!entry) return undefined
    this.replyTokens.delete(token)
    return this.now() - entry.issuedAt < ttlMs ? entry.userId : undefined
  }

  acceptedRetry(key: string): { requestId: string; sentMessages?: SentMessage[] } | undefined {
    const entry = this.retryKeys.get(key)
    if (!entry) return undefined
    if (this.now() - entry.at >= retryKeyTtlMs) {
      this.retryKeys.delete(key)
      return undefined
    }
    return entry
  }

  acceptRetry(key: string, requestId: string, sentMessages?: SentMessage[]): void {
    const entry: { requestId: string; at: number; sentMessages?: SentMessage[] } = {
      requestId,
      at: this.now(),
    }
    if (sentMessages) entry.sentMessages = sentMessages
    this.retryKeys.set(key, entry)
  }

  storeContent(contentType: string, data: Buffer): string {
    const id = this.nextMessageId()
    this.contents.set(id, { contentType, data })
    return id
  }

  quoteToken(): string {
    return randomToken(24)
  }

  snapshot(): StandInSnapshot {
    return {
      version: 1,
      users: [...this.users.values()].map((u) => ({
        profile: u.profile,
        everFollowed: u.everFollowed,
        richMenuId: u.richMenuId,
        inbox: u.inbox,
        sent: u.sent,
      })),
      richMenus: [...this.richMenus.values()].map((r) => ({
        richMenuId: r.richMenuId,
        menu: r.menu,
        ...(r.image
          ? { image: { contentType: r.image.contentType, base64: r.image.data.toString('base64') } }
          : {}),
      })),
      defaultRichMenuId: this.defaultRichMenuId,
    }
  }

  /** Puts a snapshot back; users already here (the demo owner made at start) keep their record. */
  restore(snapshot: StandInSnapshot): void {
    if (snapshot.version !== 1)
      throw new Error(`unknown stand-in snapshot version ${String(snapshot.version)}`)
    for (const u of snapshot.users) {
      if (!userIdPattern.test(u.profile.userId)) continue
      const existing = this.users.get(u.profile.userId)
      const record: UserRecord = existing ?? {
        profile: u.profile,
        everFollowed: u.everFollowed,
        richMenuId: u.richMenuId,
        inbox: [],
        sent: [],
        loading: [],
      }
      record.profile = { ...record.profile, ...u.profile }
      record.everFollowed = record.everFollowed || u.everFollowed
      record.richMenuId = u.richMenuId
      record.inbox = [...u.inbox, ...record.inbox]
      record.sent = [...u.sent, ...record.sent]
      this.users.set(u.profile.userId, record)
      this.userCounter++
    }
    for (const r of snapshot.richMenus)
      this.richMenus.set(r.richMenuId, {
        richMenuId: r.richMenuId,
        menu: r.menu,
        image: r.image
          ? { contentType: r.image.contentType, data: Buffer.from(r.image.base64, 'base64') }
          : undefined,
      })
    this.defaultRichMenuId = snapshot.defaultRichMenuId ?? this.defaultRichMenuId
  }

  reset(): void {
    this.log.clear()
    for (const user of this.users.values()) {
      user.inbox = []
      user.sent = []
    }
    this.quota.reset()
    this.retryKeys.clear()
    this.replyTokens.clear()
    this.richMenus.clear()
    this.unitInteractions.clear()
    this.defaultRichMenuId = undefined
  }
}
