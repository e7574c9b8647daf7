import { describe, expect, it } from 'vitest'
import { loadContract } from '../../server/src/sandbox/line-stand-in/contract.ts'
import {
  messagingValidator,
  SchemaValidator,
  webhookValidator,
} from '../../server/src/sandbox/line-stand-in/validate.ts'
import { bubble, text } from './stand-in-support.ts'

const reply = (...messages: unknown[]) => ({ replyToken: 'token', messages })
const flex = (contents: unknown) => ({ type: 'flex', altText: 'Flex', contents })
const box = (contents: unknown[]) => ({ type: 'box', layout: 'vertical', contents })
const validate = (value: unknown) => messagingValidator().validate('ReplyMessageRequest', value)

describe('derived contract', () => {
  it('records the source commit and carries structure, not prose', () => {
    const contract = loadContract()
    expect(contract.source.commit).toMatch(/^[0-9a-f]{40}$/)
    const raw = JSON.stringify(contract)
    expect(raw).not.toMatch(/"(description|example|externalDocs)":\s*"/)
    expect(contract.documents['messaging-api'].operations.pushMessage).toMatchObject({
      method: 'POST',
      path: '/v2/bot/message/push',
      requestBody: { schema: { $ref: '#/components/schemas/PushMessageRequest' } },
    })
    expect(contract.documents['messaging-api'].operations.getProfile?.pathParams).toEqual([
      { name: 'userId', required: true, schema: { type: 'string' } },
    ])
    expect(contract.documents['messaging-api'].schemas.Message?.discriminator?.propertyName).toBe(
      'type',
    )
  })
})

describe('messaging validator', () => {
  it('accepts valid text, Flex, template and quick reply messages', () => {
    expect(validate(reply(text('hello')))).toBeNull()
    const button = { type: 'button', action: { type: 'postback', label: 'Go', data: 'a=1' } }
    expect(validate(reply(flex(bubble(box([text('hi'), button])))))).toBeNull()
    const buttons = {
      type: 'template',
      altText: 'menu',
      template: {
        type: 'buttons',
        text: 'Pick',
        actions: [{ type: 'message', label: 'A', text: 'a' }],
      },
    }
    const quick = {
      ...text('choose'),
      quickReply: {
        items: [{ type: 'action', action: { type: 'message', label: 'Yes', text: 'yes' } }],
      },
    }
    expect(validate(reply(buttons, quick))).toBeNull()
  })

  it('rejects a bubble body without contents with LINE-style details', () => {
    const failure = validate(reply(flex(bubble({ type: 'box', layout: 'vertical' }))))
    expect(failure).toEqual({
      message: 'The request body has 1 error(s)',
      details: [{ message: 'must be specified', property: 'messages[0].contents.body.contents' }],
    })
  })

  it('dispatches on discriminators: unknown types and wrong subtypes are rejected', () => {
    const unknownComponent = validate(reply(flex(bubble(box([{ type: 'sparkle' }])))))
    expect(unknownComponent?.details).toEqual([
      {
        message: expect.stringMatching(/^Must be one of the following values: \[box, button/),
        property: 'messages[0].contents.body.contents[0].type',
      },
    ])
    const unknownMessage = validate(reply({ type: 'hologram' }))
    expect(unknownMessage?.details[0]?.property).toBe('messages[0].type')
    const unknownAction = validate(
      reply(flex(bubble(box([{ type: 'button', action: { type: 'teleport', label: 'x' } }])))),
    )
    expect(unknownAction?.details[0]?.property).toBe(
      'messages[0].contents.body.contents[0].action.type',
    )
    // a carousel holds bubbles only; the subtype checks its own discriminator value
    const carousel = validate(reply(flex({ type: 'carousel', contents: [box([])] })))
    expect(carousel?.details[0]?.property).toBe('messages[0].contents.contents[0].type')
  })

  it('rejects buttons without action and actions without a required label', () => {
    const noAction = validate(reply(flex(bubble(box([{ type: 'button' }])))))
    expect(noAction?.details).toEqual([
      { message: 'must be specified', property: 'messages[0].contents.body.contents[0].action' },
    ])
    const noLabel = validate(
      reply(
        flex(
          bubble(box([{ type: 'button', action: { type: 'uri', uri: 'https://example.com' } }])),
        ),
      ),
    )
    expect(noLabel?.details).toEqual([
      {
        message: 'must be specified',
        property: 'messages[0].contents.body.contents[0].action.label',
      },
    ])
    const quickNoLabel = validate(
      reply({
        ...text('q'),
        quickReply: { items: [{ type: 'action', action: { type: 'postback', data: 'x' } }] },
      }),
    )
    expect(quickNoLabel?.details[0]?.property).toBe('messages[0].quickReply.items[0].action.label')
    const postbackNoData = validate(
      reply(flex(bubble(box([{ type: 'button', action: { type: 'postback', label: 'x' } }])))),
    )
    expect(postbackNoData?.details[0]?.property).toBe(
      'messages[0].contents.body.contents[0].action.data',
    )
  })

  it('enforces the documented limits', () => {
    expect(validate(reply(...Array.from({ length: 6 }, () => text('x'))))?.details).toEqual([
      { message: 'Size must be between 1 and 5', property: 'messages' },
    ])
    expect(validate(reply(text('x'.repeat(5001))))?.details).toEqual([
      { message: 'Length must be between 0 and 5000', property: 'messages[0].text' },
    ])
    expect(validate(reply(text('x'.repeat(5000))))).toBeNull()
    const bubbles = (n: number) =>
      flex({
        type: 'carousel',
        contents: Array.from({ length: n }, () => bubble(box([text('b')]))),
      })
    expect(validate(reply(bubbles(12)))).toBeNull()
    expect(validate(reply(bubbles(13)))?.details[0]?.message).toBe('Size must be between 1 and 12')
    const items = (n: number) => ({
      ...text('q'),
      quickReply: {
        items: Array.from({ length: n }, (_, i) => ({
          type: 'action',
          action: { type: 'message', label: `${i}`, text: 't' },
        })),
      },
    })
    expect(validate(reply(items(13)))).toBeNull()
    expect(validate(reply(items(14)))?.details[0]).toEqual({
      message: 'Size must be between 1 and 13',
      property: 'messages[0].quickReply.items',
    })
    const multicast = {
      to: Array.from({ length: 501 }, () => `U${'a'.repeat(32)}`),
      messages: [text('x')],
    }
    expect(messagingValidator().validate('MulticastRequest', multicast)?.details[0]).toEqual({
      message: 'Size must be between 1 and 500',
      property: 'to',
    })
  })

  it('tolerates unknown extra properties and counts every error', () => {
    expect(validate({ ...reply({ ...text('x'), extra: 1 }), future: true })).toBeNull()
    const failure = validate({ messages: [{ type: 'text' }, 42] })
    expect(failure?.message).toBe('The request body has 3 error(s)')
    expect(failure?.details.map((d) => d.property).sort()).toEqual([
      'messages[0].text',
      'messages[1]',
      'replyToken',
    ])
  })

  it('validates a subtype against its allOf base without dispatching again', () => {
    const validator = new SchemaValidator({
      Shape: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { type: 'string' }, name: { type: 'string', maxLength: 3 } },
        discriminator: { propertyName: 'kind', mapping: { square: '#/components/schemas/Square' } },
      },
      Square: {
        allOf: [
          { $ref: '#/components/schemas/Shape' },
          { type: 'object', required: ['side'], properties: { side: { type: 'integer' } } },
        ],
      },
    })
    expect(validator.validate('Shape', { kind: 'square', side: 2 })).toBeNull()
    expect(validator.validate('Shape', { kind: 'square', side: 2, name: 'long' })?.details).toEqual(
      [{ message: 'Length must be between 0 and 3', property: 'name' }],
    )
    expect(validator.validate('Shape', { kind: 'circle' })?.details[0]?.property).toBe('kind')
    expect(validator.validate('Square', { kind: 'square' })?.details).toEqual([
      { message: 'must be specified', property: 'side' },
    ])
  })
})

describe('webhook validator', () => {
  it('knows LINE event shapes', () => {
    const event = {
      type: 'message',
      mode: 'active',
      timestamp: 1,
      webhookEventId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId: `U${'0'.repeat(32)}` },
      replyToken: 'r',
      message: { id: '1', type: 'text', text: 'hi' },
    }
    expect(webhookValidator().validate('Event', event)?.details).toEqual([
      { message: 'must be specified', property: 'message.quoteToken' },
    ])
  })
})
