import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { helpMessage, localeOf, type MenuPublished } from './texts.ts'

export interface ChatContext {
  member: Member
  now: number
}

export type Replies = LineMessage[]

/** A chat command: matched against normalised text, first match wins in registration order. */
export interface TextCommand {
  name: string
  matches(normalisedText: string): boolean
  handle(ctx: ChatContext, text: string): Promise<Replies>
}

export type PostbackHandler = (ctx: ChatContext, params: URLSearchParams) => Promise<Replies>

/** The label of the button behind a postback, as the customer saw it (null: not known). */
export type PostbackDescriber = (
  ctx: ChatContext,
  params: URLSearchParams,
) => Promise<string | null>

/** Labels of the postbacks whose button always reads the same (rich menu, quick replies). */
const POSTBACK_LABELS: Record<string, string> = {
  help: 'ヘルプ',
  coupons: 'クーポン',
  points: 'ポイント',
  survey: 'アンケート',
  survey_start: 'アンケートに回答',
  survey_resume: '続きから回答',
  survey_stop: '中断',
  ask_staff: 'スタッフに聞く',
  faq_solved: '解決した',
  faq_pick: 'よくある質問',
}

/**
 * A stage for text no command took, tried in the order added. Returns the replies (`[]` = handled,
 * nothing to send, e.g. staff have the conversation), or null to pass the text to the next stage.
 */
export interface TextStage {
  name: string
  handle(ctx: ChatContext, text: string): Promise<Replies | null>
}

/** Full-width to half-width, lower case, no surrounding or inner whitespace: 「 ポイント 」→「ポイント」. */
export function normaliseCommandText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '')
}

/**
 * Routes chat text and postbacks. Text: registered commands first (クーポン, ポイント, …), then the
 * fallback stages in order (composition adds: keyword rules → quiet while staff have the
 * conversation → FAQ → hand-over), and the help message when no stage takes it. Postbacks
 * (`action=<name>&...`, from rich menus and quick replies) go to their handler, unknown ones to help.
 */
export class ChatRouter {
  private readonly commands: TextCommand[] = []
  private readonly stages: TextStage[] = []
  private readonly postbacks = new Map<string, PostbackHandler>()
  private readonly describers = new Map<string, PostbackDescriber>()

  /** `menuPublished`: the help mentions the chat's bottom menu only when there is one. */
  constructor(private readonly menuPublished?: MenuPublished) {}

  /** The help message for this member. */
  async help(ctx: ChatContext): Promise<Replies> {
    const menu = (await this.menuPublished?.()) ?? false
    return [helpMessage(localeOf(ctx.member.language), { menu })]
  }

  command(command: TextCommand): this {
    this.commands.push(command)
    return this
  }

  fallback(stage: TextStage): this {
    this.stages.push(stage)
    return this
  }

  postback(action: string, handler: PostbackHandler): this {
    if (this.postbacks.has(action)) throw new Error(`postback action registered twice: ${action}`)
    this.postbacks.set(action, handler)
    return this
  }

  /** How the inbox names a postback of `action` (e.g. a survey answer's choice label). */
  describe(action: string, describer: PostbackDescriber): this {
    this.describers.set(action, describer)
    return this
  }

  /**
   * What the customer tapped, as staff read it in the inbox: 「満足」を選択, 「クーポン」を選択;
   * 「ボタンを選択」 when the button is unknown (never the raw data).
   */
  async describePostback(ctx: ChatContext, data: string): Promise<string> {
    const params = new URLSearchParams(data)
    const action = params.get('action') ?? ''
    const describer = this.describers.get(action)
    const label = (describer ? await describer(ctx, params) : null) ?? POSTBACK_LABELS[action]
    return label ? `「${label}」を選択` : 'ボタンを選択'
  }

  async routeText(ctx: ChatContext, text: string): Promise<Replies> {
    const normalised = normaliseCommandText(text)
    const command = this.commands.find((c) => c.matches(normalised))
    if (command) return command.handle(ctx, text)
    for (const stage of this.stages) {
      const replies = await stage.handle(ctx, text)
      if (replies !== null) return replies
    }
    return this.help(ctx)
  }

  async routePostback(ctx: ChatContext, data: string): Promise<Replies> {
    const params = new URLSearchParams(data)
    const handler = this.postbacks.get(params.get('action') ?? '')
    if (handler) return handler(ctx, params)
    return this.help(ctx)
  }
}

export function createDefaultRouter(menuPublished?: MenuPublished): ChatRouter {
  const router = new ChatRouter(menuPublished)
  const help = (ctx: ChatContext) => router.help(ctx)
  return router
    .command({
      name: 'help',
      matches: (t) => ['ヘルプ', 'help', 'へるぷ', 'メニュー', 'menu', '?', '？'].includes(t),
      handle: help,
    })
    .postback('help', help)
}
