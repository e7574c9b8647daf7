import type { Call, Reply, Route } from './http-io.ts'
import { json, message } from './http-io.ts'
import { newRichMenuId, userIdPattern } from './ids.ts'
import { operationRoute } from './operations.ts'
import type { RichMenuRecord, StandInState } from './state.ts'
import type { SchemaValidator } from './validate.ts'

export interface RichMenuConfig {
  state: StandInState
  validator: SchemaValidator
}

const maxImageBytes = 1024 * 1024
const imageTypes = new Set(['image/png', 'image/jpeg'])
const notFound = (): Reply => message(404, 'Not found')

/** Width and height from a PNG IHDR or a JPEG SOF segment; undefined when unreadable. */
export function imageSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
  }
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined
  let offset = 2
  while (offset + 9 < data.length) {
    if (data[offset] !== 0xff) return undefined
    const marker = data[offset + 1] as number
    const length = data.readUInt16BE(offset + 2)
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)
    if (isFrame)
      return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) }
    offset += 2 + length
  }
  return undefined
}

function view(record: RichMenuRecord): Record<string, unknown> {
  return { richMenuId: record.richMenuId, ...record.menu }
}

/** LINE's rules the schema cannot say: size 800–2500 wide, ≥ 250 high, ratio ≥ 1.45; areas inside. */
function layoutProblem(menu: Record<string, unknown>): string | undefined {
  const size = menu.size as { width: number; height: number }
  if (size.width < 800 || size.width > 2500) return 'size.width must be between 800 and 2500'
  if (size.height < 250) return 'size.height must be at least 250'
  if (size.width / size.height < 1.45) return 'size.width / size.height must be at least 1.45'
  const areas = menu.areas as { bounds: { x: number; y: number; width: number; height: number } }[]
  for (const [i, { bounds: b }] of areas.entries()) {
    if (b.x < 0 || b.y < 0 || b.width <= 0 || b.height <= 0)
      return `areas[${i}].bounds must be positive`
    if (b.x + b.width > size.width || b.y + b.height > size.height)
      return `areas[${i}].bounds is outside the rich menu`
  }
  return undefined
}

function create(config: RichMenuConfig, call: Call): Reply {
  const failure = config.validator.validate('RichMenuRequest', call.body)
  if (failure) return json(400, failure)
  const problem = layoutProblem(call.body as Record<string, unknown>)
  if (problem)
    return json(400, {
      message: 'The request body has 1 error(s)',
      details: [{ message: problem, property: 'areas' }],
    })
  const richMenuId = newRichMenuId()
  const menu = call.body as Record<string, unknown>
  config.state.richMenus.set(richMenuId, { richMenuId, menu, image: undefined })
  return json(200, { richMenuId })
}

function upload(state: StandInState, call: Call): Reply {
  const record = state.richMenus.get(call.params[0] ?? '')
  if (!record) return notFound()
  const contentType = (call.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (!imageTypes.has(contentType)) {
    return message(415, `The content type, '${contentType}', is not supported`)
  }
  if (call.raw.length > maxImageBytes) return message(413, 'Payload Too Large')
  if (call.raw.length === 0) return message(400, 'The request body is empty')
  if (record.image) return message(400, 'An image has already been uploaded to the richmenu')
  const size = imageSize(call.raw)
  const menuSize = record.menu.size as { width: number; height: number }
  if (!size) return message(400, 'The image could not be read as PNG or JPEG')
  if (size.width !== menuSize.width || size.height !== menuSize.height) {
    return message(400, 'The image size does not match the size of the rich menu')
  }
  record.image = { contentType, data: call.raw }
  return json(200, {})
}

function usable(state: StandInState, richMenuId: string): Reply | undefined {
  const record = state.richMenus.get(richMenuId)
  if (!record) return notFound()
  if (!record.image) return message(400, 'must upload richmenu image before applying it to user')
  return undefined
}

function link(state: StandInState, call: Call): Reply {
  const [userId = '', richMenuId = ''] = call.params
  if (!userIdPattern.test(userId))
    return message(400, "The value for the 'userId' parameter is invalid")
  const problem = usable(state, richMenuId)
  if (problem) return problem
  const user = state.users.get(userId)
  if (!user) return notFound()
  user.richMenuId = richMenuId
  return json(200, {})
}

/** Bulk link / unlink: up to 500 user IDs; LINE answers 202 and applies them asynchronously. */
function bulk(config: RichMenuConfig, call: Call, linking: boolean): Reply {
  const schema = linking ? 'RichMenuBulkLinkRequest' : 'RichMenuBulkUnlinkRequest'
  const failure = config.validator.validate(schema, call.body)
  if (failure) return json(400, failure)
  const body = call.body as { richMenuId?: string; userIds: string[] }
  if (body.userIds.length === 0 || body.userIds.length > 500)
    return message(400, 'userIds must have between 1 and 500 items')
  if (body.userIds.some((id) => !userIdPattern.test(id)))
    return message(400, "The value for the 'userIds' parameter is invalid")
  if (linking) {
    const problem = usable(config.state, body.richMenuId ?? '')
    if (problem) return problem
  }
  for (const userId of body.userIds) {
    const user = config.state.users.get(userId)
    if (user) user.richMenuId = linking ? body.richMenuId : undefined
  }
  return json(202, {})
}

function remove(state: StandInState, richMenuId: string): Reply {
  if (!state.richMenus.delete(richMenuId)) return notFound()
  if (state.defaultRichMenuId === richMenuId) state.defaultRichMenuId = undefined
  for (const user of state.users.values()) {
    if (user.richMenuId === richMenuId) user.richMenuId = undefined
  }
  return json(200, {})
}

export function richMenuRoutes(config: RichMenuConfig): Route[] {
  const { state } = config
  const param = (call: Call, i = 0): string => call.params[i] ?? ''
  const userMenu = (call: Call): Reply => {
    const richMenuId = state.users.get(param(call))?.richMenuId
    return richMenuId ? json(200, { richMenuId }) : message(404, 'the user has no richmenu')
  }
  return [
    operationRoute('createRichMenu', 'richmenu-create', (call) => create(config, call)),
    operationRoute('validateRichMenuObject', 'richmenu-validate', (call) => {
      const failure = config.validator.validate('RichMenuRequest', call.body)
      return failure ? json(400, failure) : json(200, {})
    }),
    operationRoute('getRichMenuList', 'richmenu-list', () =>
      json(200, { richmenus: [...state.richMenus.values()].map(view) }),
    ),
    operationRoute('getRichMenu', 'richmenu-get', (call) => {
      const record = state.richMenus.get(param(call))
      return record ? json(200, view(record)) : notFound()
    }),
    operationRoute('deleteRichMenu', 'richmenu-delete', (call) => remove(state, param(call))),
    operationRoute('setRichMenuImage', 'richmenu-image', (call) => upload(state, call)),
    operationRoute('getRichMenuImage', 'richmenu-image-get', (call) => {
      const image = state.richMenus.get(param(call))?.image
      return image ? { status: 200, bytes: image } : notFound()
    }),
    // before linkRichMenuIdToUser: its {userId} pattern would also match "all"
    operationRoute('setDefaultRichMenu', 'richmenu-default', (call) => {
      const problem = usable(state, param(call))
      if (problem) return problem
      state.defaultRichMenuId = param(call)
      return json(200, {})
    }),
    operationRoute('getDefaultRichMenuId', 'richmenu-default-get', () =>
      state.defaultRichMenuId
        ? json(200, { richMenuId: state.defaultRichMenuId })
        : message(404, 'no default richmenu'),
    ),
    operationRoute('cancelDefaultRichMenu', 'richmenu-default-delete', () => {
      state.defaultRichMenuId = undefined
      return json(200, {})
    }),
    operationRoute('linkRichMenuIdToUsers', 'richmenu-bulk', (call) => bulk(config, call, true)),
    operationRoute('unlinkRichMenuIdFromUsers', 'richmenu-bulk', (call) =>
      bulk(config, call, false),
    ),
    operationRoute('linkRichMenuIdToUser', 'richmenu-link', (call) => link(state, call)),
    operationRoute('getRichMenuIdOfUser', 'richmenu-user-get', userMenu),
    operationRoute('unlinkRichMenuIdFromUser', 'richmenu-unlink', (call) => {
      const user = state.users.get(param(call))
      if (user) user.richMenuId = undefined
      return json(200, {})
    }),
  ]
}
