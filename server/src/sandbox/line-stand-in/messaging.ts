import type { Call, Reply, Route } from './http-io.ts'
import { json, message } from './http-io.ts'
import { chatIdPattern, uuidPattern } from './ids.ts'
import { operation, operationRoute } from './operations.ts'
import type { StandInState, UserRecord } from './state.ts'
import type { SchemaValidator } from './validate.ts'

type LineMessage = Record<string, unknown>

export interface MessagingConfig {
  state: StandInState
  validator: SchemaValidator
  replyTokenTtlMs: number
}

const schemaOf = (operationId: string): string => {
  const schema = operation(operationId).requestSchema
  if (!schema) throw new Error(`${operationId} has no request schema in the contract`)
  return schema
}

export const monthlyLimitReply = (): Reply => message(429, 'You have reached your monthly limit.')

function retryKeyOf(call: Call): { key?: string; error?: Reply } {
  const header = call.headers['x-line-retry-key']
  if (header === undefined) return {}
  const key = Array.isArray(header) ? header[0] : header
  if (key === undefined || !uuidPattern.test(key)) {
    return { error: message(400, "The value for the 'X-Line-Retry-Key' header is invalid") }
  }
  return { key: key.toLowerCase() }
}

function alreadyAccepted(
  config: MessagingConfig,
  key: string,
  withSentMessages: boolean,
): Reply | undefined {
  const accepted = config.state.acceptedRetry(key)
  if (!accepted) return undefined
  const body: Record<string, unknown> = { message: 'The retry key is already accepted' }
  if (withSentMessages && accepted.sentMessages) body.sentMessages = accepted.sentMessages
  return json(409, body, { 'x-line-accepted-request-id': accepted.requestId })
}

const UNIT_NAME = /^[a-zA-Z0-9_]{1,30}$/

/**
 * customAggregationUnits[0] of a push or multicast body; false when the list is not one name of
 * 1–30 letters, digits or underscores (LINE's rule for both requests).
 */
function unitOf(body: unknown): string | undefined | false {
  const units = (body as { customAggregationUnits?: unknown }).customAggregationUnits
  if (units === undefined) return undefined
  if (!Array.isArray(units) || units.length !== 1) return false
  const [name] = units as unknown[]
  return typeof name === 'string' && UNIT_NAME.test(name) ? name : false
}

const invalidUnits = (): Reply =>
  message(400, "The property, 'customAggregationUnits', in the request body is invalid")

/** A new unit name past the month's 1,000 (the stand-in's wording; LINE refuses the send). */
const unitsUsedUp = (): Reply =>
  message(400, 'The number of customAggregationUnits used this month has reached the limit')

function reply(config: MessagingConfig, call: Call): Reply {
  const failure = config.validator.validate(schemaOf('replyMessage'), call.body)
  if (failure) return json(400, failure)
  const { replyToken, messages } = call.body as { replyToken: string; messages: LineMessage[] }
  const userId = config.state.takeReplyToken(replyToken, config.replyTokenTtlMs)
  if (userId === undefined) return message(400, 'Invalid reply token')
  const { state } = config
  const sentMessages = state.sentMessages(messages)
  const user = state.users.get(userId)
  state.record(
    'reply',
    user ? [user] : [],
    messages,
    sentMessages,
    call.requestId,
    undefined,
    replyToken,
  )
  return json(200, { sentMessages })
}

function push(config: MessagingConfig, call: Call): Reply {
  const retry = retryKeyOf(call)
  if (retry.error) return retry.error
  if (retry.key) {
    const conflict = alreadyAccepted(config, retry.key, true)
    if (conflict) return conflict
  }
  const failure = config.validator.validate(schemaOf('pushMessage'), call.body)
  if (failure) return json(400, failure)
  const { to, messages } = call.body as { to: string; messages: LineMessage[] }
  const unit = unitOf(call.body)
  if (unit === false) return invalidUnits()
  if (unit !== undefined && !config.state.unitAllowed(unit)) return unitsUsedUp()
  if (!chatIdPattern.test(to)) {
    return message(400, "The property, 'to', in the request body is invalid (line: -, column: -)")
  }
  const { state } = config
  const user = state.users.get(to)
  if (!user) return message(400, 'Failed to send messages')
  // LINE accepts pushes to users who blocked the account but delivers and counts nothing.
  const recipients = user.profile.friend ? [user] : []
  // LINE counts one message per recipient, however many bubbles the request holds.
  const cost = recipients.length
  if (!state.quota.allows(cost)) return monthlyLimitReply()
  const sentMessages = state.sentMessages(messages)
  state.record(
    'push',
    recipients,
    messages,
    sentMessages,
    call.requestId,
    retry.key,
    undefined,
    unit,
  )
  state.quota.use(cost)
  if (retry.key) state.acceptRetry(retry.key, call.requestId, sentMessages)
  return json(200, { sentMessages })
}

function multicast(config: MessagingConfig, call: Call): Reply {
  const retry = retryKeyOf(call)
  if (retry.error) return retry.error
  if (retry.key) {
    const conflict = alreadyAccepted(config, retry.key, false)
    if (conflict) return conflict
  }
  const failure = config.validator.validate(schemaOf('multicast'), call.body)
  if (failure) return json(400, failure)
  const { to, messages } = call.body as { to: string[]; messages: LineMessage[] }
  const unit = unitOf(call.body)
  if (unit === false) return invalidUnits()
  if (unit !== undefined && !config.state.unitAllowed(unit)) return unitsUsedUp()
  const { state } = config
  const recipients: UserRecord[] = []
  const seen = new Set<string>()
  for (const userId of to) {
    if (seen.has(userId)) continue
    seen.add(userId)
    const user = state.users.get(userId)
    if (user?.profile.friend) recipients.push(user)
  }
  // LINE counts one message per recipient, however many bubbles the request holds.
  const cost = recipients.length
  if (!state.quota.allows(cost)) return monthlyLimitReply()
  state.record(
    'multicast',
    recipients,
    messages,
    state.sentMessages(messages),
    call.requestId,
    retry.key,
    undefined,
    unit,
  )
  state.quota.use(cost)
  if (retry.key) state.acceptRetry(retry.key, call.requestId)
  return json(200, {})
}

function validateOnly(config: MessagingConfig, call: Call, schema: string): Reply {
  const failure = config.validator.validate(schema, call.body)
  return failure ? json(400, failure) : json(200, {})
}

export function messagingRoutes(config: MessagingConfig): Route[] {
  return [
    operationRoute('replyMessage', 'reply', (call) => reply(config, call)),
    operationRoute('pushMessage', 'push', (call) => push(config, call)),
    operationRoute('multicast', 'multicast', (call) => multicast(config, call)),
    ...['validateReply', 'validatePush', 'validateMulticast'].map((id) =>
      operationRoute(id, id, (call) => validateOnly(config, call, schemaOf(id))),
    ),
  ]
}
