// Limits LINE documents and enforces but its OpenAPI document does not encode (character
// limits, carousel sizes, labels required by context, action fields). Applied on top of the
// derived contract so line-contract.json stays a faithful reduction of LINE's own files.
import type { Schema } from './contract.ts'
import { refPrefix } from './contract.ts'

type Schemas = Record<string, Schema>

const ref = (name: string): Schema => ({ $ref: `${refPrefix}${name}` })

/** Label-carrying actions: templates and quick reply allow 20 characters, Flex buttons 40. */
const syntheticSchemas: Schemas = {
  StandInLabeledAction: {
    allOf: [ref('Action')],
    required: ['label'],
    properties: { label: { type: 'string', maxLength: 20 } },
  },
  StandInFlexButtonAction: {
    allOf: [ref('Action')],
    required: ['label'],
    properties: { label: { type: 'string', maxLength: 40 } },
  },
}

function schemaOf(schemas: Schemas, name: string): Schema {
  const schema = schemas[name]
  if (!schema) throw new Error(`line-rules: schema ${name} is not in the contract`)
  return schema
}

/** Finds a property declared on the schema itself or on one of its inline allOf members. */
function propertyOf(schemas: Schemas, name: string, property: string): Schema {
  const schema = schemaOf(schemas, name)
  for (const candidate of [schema, ...(schema.allOf ?? [])]) {
    const found = candidate.properties?.[property]
    if (found) return found
  }
  throw new Error(`line-rules: ${name}.${property} is not in the contract`)
}

function patch(schemas: Schemas, name: string, property: string, changes: Schema): void {
  Object.assign(propertyOf(schemas, name, property), changes)
}

function patchItems(schemas: Schemas, name: string, property: string, changes: Schema): void {
  const items = propertyOf(schemas, name, property).items
  if (!items) throw new Error(`line-rules: ${name}.${property} has no items`)
  if (changes.$ref) delete items.$ref
  Object.assign(items, changes)
}

function requireProps(schemas: Schemas, name: string, properties: string[]): void {
  const schema = schemaOf(schemas, name)
  schema.required = [...new Set([...(schema.required ?? []), ...properties])]
}

export function applyLineRules(source: Schemas): Schemas {
  const schemas: Schemas = { ...structuredClone(source), ...structuredClone(syntheticSchemas) }

  patch(schemas, 'TextMessage', 'text', { maxLength: 5000 })
  patch(schemas, 'TextMessageV2', 'text', { maxLength: 5000 })
  for (const name of ['FlexMessage', 'TemplateMessage', 'ImagemapMessage']) {
    patch(schemas, name, 'altText', { minLength: 1, maxLength: 1500 })
  }

  patch(schemas, 'FlexCarousel', 'contents', { minItems: 1, maxItems: 12 })
  patch(schemas, 'FlexButton', 'action', ref('StandInFlexButtonAction'))

  patch(schemas, 'ButtonsTemplate', 'actions', { minItems: 1, maxItems: 4 })
  patch(schemas, 'ConfirmTemplate', 'actions', { minItems: 2, maxItems: 2 })
  patch(schemas, 'CarouselColumn', 'actions', { minItems: 1, maxItems: 3 })
  for (const [name, property] of [
    ['ButtonsTemplate', 'actions'],
    ['ConfirmTemplate', 'actions'],
    ['CarouselColumn', 'actions'],
  ] as const) {
    patchItems(schemas, name, property, ref('StandInLabeledAction'))
  }
  patch(schemas, 'CarouselTemplate', 'columns', { minItems: 1, maxItems: 10 })
  patch(schemas, 'ImageCarouselTemplate', 'columns', { minItems: 1, maxItems: 10 })

  requireProps(schemas, 'QuickReply', ['items'])
  patch(schemas, 'QuickReply', 'items', { minItems: 1 })
  requireProps(schemas, 'QuickReplyItem', ['type', 'action'])
  patch(schemas, 'QuickReplyItem', 'type', { enum: ['action'] })
  patch(schemas, 'QuickReplyItem', 'action', ref('StandInLabeledAction'))

  requireProps(schemas, 'Action', ['type'])
  requireProps(schemas, 'MessageAction', ['text'])
  patch(schemas, 'MessageAction', 'text', { minLength: 1, maxLength: 300 })
  requireProps(schemas, 'PostbackAction', ['data'])
  requireProps(schemas, 'URIAction', ['uri'])
  patch(schemas, 'URIAction', 'uri', { maxLength: 1000 })
  requireProps(schemas, 'DatetimePickerAction', ['data', 'mode'])
  requireProps(schemas, 'RichMenuSwitchAction', ['data', 'richMenuAliasId'])

  patch(schemas, 'ReplyMessageRequest', 'replyToken', { minLength: 1 })
  patch(schemas, 'PushMessageRequest', 'to', { minLength: 1 })
  patchItems(schemas, 'MulticastRequest', 'to', { pattern: '^U[0-9a-f]{32}$' })

  requireProps(schemas, 'RichMenuRequest', ['size', 'selected', 'name', 'chatBarText', 'areas'])
  patch(schemas, 'RichMenuRequest', 'areas', { maxItems: 20 })
  requireProps(schemas, 'RichMenuSize', ['width', 'height'])
  requireProps(schemas, 'RichMenuArea', ['bounds', 'action'])
  requireProps(schemas, 'RichMenuBounds', ['x', 'y', 'width', 'height'])

  return schemas
}
