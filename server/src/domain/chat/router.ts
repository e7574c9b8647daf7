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
