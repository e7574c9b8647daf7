import type { Member } from '../members/members.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { helpMessage, localeOf } from './texts.ts'

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

/** Full-width to half-width, lower case, no surrounding or inner whitespace: 「 ポイント 」→「ポイント」. */
export function normaliseCommandText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '')
}

/**
 * Routes chat text to commands and postbacks (`action=<name>&...`) to handlers. Later features
 * register their commands here; anything unmatched gets the help message for now.
 */
export class ChatRouter {
  private readonly commands: TextCommand[] = []
  private readonly postbacks = new Map<string, PostbackHandler>()

  command(command: TextCommand): this {
    this.commands.push(command)
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
    return [helpMessage(localeOf(ctx.member.language))]
  }

  async routePostback(ctx: ChatContext, data: string): Promise<Replies> {
    const params = new URLSearchParams(data)
    const handler = this.postbacks.get(params.get('action') ?? '')
    if (handler) return handler(ctx, params)
    return [helpMessage(localeOf(ctx.member.language))]
  }
}

export function createDefaultRouter(): ChatRouter {
  const help = async (ctx: ChatContext) => [helpMessage(localeOf(ctx.member.language))]
  return new ChatRouter()
    .command({
      name: 'help',
      matches: (t) => ['ヘルプ', 'help', 'へるぷ', 'メニュー', 'menu', '?', '？'].includes(t),
      handle: help,
    })
    .postback('help', help)
}
