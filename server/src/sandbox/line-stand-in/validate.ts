import type { Schema } from './contract.ts'
import { loadContract, refName } from './contract.ts'
import { applyLineRules } from './line-rules.ts'

export interface ErrorDetail {
  message: string
  property: string
}

/** LINE's 400 body for request-body errors. */
export interface ValidationFailure {
  message: string
  details: ErrorDetail[]
}

type Segment = string | number
interface Ctx {
  path: Segment[]
  errors: ErrorDetail[]
}
type Check = (value: unknown, ctx: Ctx) => void
type Json = Record<string, unknown>

const maxDetails = 100
const uriPattern = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function formatPath(path: Segment[], last?: string): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out === '' ? segment : `.${segment}`
  }
  if (last !== undefined) out += out === '' ? last : `.${last}`
  return out
}

function report(ctx: Ctx, message: string, last?: string): void {
  if (ctx.errors.length < maxDetails)
    ctx.errors.push({ message, property: formatPath(ctx.path, last) })
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isObject(value)
    default:
      return true
  }
}

function rangeMessage(noun: string, min: number | undefined, max: number | undefined): string {
  if (max === undefined) return min === 1 ? 'May not be empty' : `${noun} must be at least ${min}`
  return `${noun} must be between ${min ?? 0} and ${max}`
}

function sequence(checks: Check[]): Check {
  if (checks.length === 1) return checks[0] as Check
  return (value, ctx) => {
    for (const check of checks) check(value, ctx)
  }
}

interface Slot {
  fn: Check | undefined
  trampoline: Check
}

/**
 * Compiles the contract's schemas into closures once, so validating a request is a walk over
 * the value with no per-request schema interpretation. Implements OpenAPI's discriminator:
 * a $ref to a base schema dispatches on the discriminator property to the mapped subtype,
 * while the subtype's own allOf reference to that base validates the base without dispatching.
 */
export class SchemaValidator {
  private readonly slots = new Map<string, Slot>()
  /** subtype name → discriminator values that select it, and the bases that map to it */
  private readonly tags = new Map<
    string,
    { propertyName: string; values: string[]; bases: Set<string> }
  >()

  constructor(private readonly schemas: Record<string, Schema>) {
    for (const [base, schema] of Object.entries(schemas)) {
      const mapping = schema.discriminator?.mapping
      if (!schema.discriminator || !mapping) continue
      for (const [value, ref] of Object.entries(mapping)) {
        const target = refName(ref)
        let tag = this.tags.get(target)
        if (!tag) {
          tag = { propertyName: schema.discriminator.propertyName, values: [], bases: new Set() }
          this.tags.set(target, tag)
        }
        tag.values.push(value)
        tag.bases.add(base)
      }
    }
  }

  has(schemaName: string): boolean {
    return schemaName in this.schemas
  }

  /** Returns LINE's error body when the value does not satisfy the named schema, else null. */
  validate(schemaName: string, value: unknown, root: Segment[] = []): ValidationFailure | null {
    const details = this.check(schemaName, value, root)
    return details.length === 0 ? null : toFailure(details)
  }

  check(schemaName: string, value: unknown, root: Segment[] = []): ErrorDetail[] {
    const ctx: Ctx = { path: [...root], errors: [] }
    this.named(schemaName, 'full')(value, ctx)
    return ctx.errors.length === 0 ? ctx.errors : dedupe(ctx.errors)
  }

  private named(name: string, mode: 'full' | 'body'): Check {
    const key = `${mode}:${name}`
    const existing = this.slots.get(key)
    if (existing) return existing.fn ?? existing.trampoline
    const slot: Slot = {
      fn: undefined,
      trampoline: (value, ctx) => (slot.fn as Check)(value, ctx),
    }
    this.slots.set(key, slot)
    slot.fn = this.buildNamed(name, mode)
    return slot.fn
  }

  private buildNamed(name: string, mode: 'full' | 'body'): Check {
    const schema = this.schemas[name]
    if (!schema) throw new Error(`Unknown schema: ${name}`)
    if (mode === 'full' && schema.discriminator) return this.dispatcher(name, schema.discriminator)
    const body = this.compile(schema, name)
    const tag = mode === 'full' ? this.tags.get(name) : undefined
    if (!tag) return body
    const { propertyName, values } = tag
    return (value, ctx) => {
      if (isObject(value)) {
        const actual = value[propertyName]
        if (actual === undefined || actual === null) report(ctx, 'must be specified', propertyName)
        else if (!values.includes(actual as string)) {
          report(ctx, `Must be one of the following values: [${values.join(', ')}]`, propertyName)
        }
      }
      body(value, ctx)
    }
  }

  private dispatcher(name: string, discriminator: NonNullable<Schema['discriminator']>): Check {
    const { propertyName } = discriminator
    const targets = new Map<string, Check>()
    for (const [value, ref] of Object.entries(discriminator.mapping ?? {})) {
      targets.set(value, this.named(refName(ref), 'body'))
    }
    const allowed = `Must be one of the following values: [${[...targets.keys()].join(', ')}]`
    const type = this.schemas[name]?.type
    return (value, ctx) => {
      if (!isObject(value)) {
        report(ctx, `must be of type ${type ?? 'object'}`)
        return
      }
      const tag = value[propertyName]
      if (tag === undefined || tag === null) {
        report(ctx, 'must be specified', propertyName)
        return
      }
      const target = typeof tag === 'string' ? targets.get(tag) : undefined
      if (!target) {
        report(ctx, allowed, propertyName)
        return
      }
      target(value, ctx)
    }
  }

  private compile(schema: Schema, owner?: string): Check {
    const checks: Check[] = []
    if (schema.$ref) checks.push(this.named(refName(schema.$ref), 'full'))
    const local = this.local(schema)
    if (local) checks.push(local)
    for (const member of schema.allOf ?? []) {
      const base = member.$ref ? refName(member.$ref) : undefined
      const isOwnBase = base !== undefined && owner !== undefined && this.isSubtypeOf(owner, base)
      checks.push(isOwnBase ? this.named(base, 'body') : this.compile(member))
    }
    if (schema.oneOf) checks.push(this.alternatives(schema.oneOf, 'oneOf'))
    if (schema.anyOf) checks.push(this.alternatives(schema.anyOf, 'anyOf'))
    const rest = checks.length === 0 ? () => {} : sequence(checks)
    const { type } = schema
    if (type === undefined) return rest
    return (value, ctx) => {
      if (!matchesType(value, type)) report(ctx, `must be of type ${type}`)
      else rest(value, ctx)
    }
  }

  private isSubtypeOf(name: string, base: string): boolean {
    return this.tags.get(name)?.bases.has(base) ?? false
  }

  private alternatives(members: Schema[], keyword: 'oneOf' | 'anyOf'): Check {
    const checks = members.map((member) => this.compile(member))
    return (value, ctx) => {
      let passed = 0
      for (const check of checks) {
        const scratch: Ctx = { path: ctx.path, errors: [] }
        check(value, scratch)
        if (scratch.errors.length === 0) passed++
      }
      if (keyword === 'anyOf' ? passed === 0 : passed !== 1) {
        report(ctx, `must match ${keyword === 'anyOf' ? 'at least' : 'exactly'} one schema`)
      }
    }
  }

  /** Keywords that apply to the value itself (type is checked by compile). */
  private local(schema: Schema): Check | undefined {
    const checks: Check[] = []
    const { minLength, maxLength, pattern, format, minimum, maximum, minItems, maxItems } = schema

    if (minLength !== undefined || maxLength !== undefined || pattern || format) {
      const regex = pattern ? new RegExp(pattern) : undefined
      const formatRegex =
        format === 'uri' ? uriPattern : format === 'uuid' ? uuidPattern : undefined
      const lengthMessage = rangeMessage('Length', minLength, maxLength)
      checks.push((value, ctx) => {
        if (typeof value !== 'string') return
        const { length } = value
        if (
          (minLength !== undefined && length < minLength) ||
          (maxLength !== undefined && length > maxLength)
        ) {
          report(ctx, lengthMessage)
        }
        if (regex && !regex.test(value)) report(ctx, `must match "${pattern}"`)
        if (formatRegex && !formatRegex.test(value)) report(ctx, `must be a valid ${format}`)
      })
    }

    if (minimum !== undefined || maximum !== undefined) {
      checks.push((value, ctx) => {
        if (typeof value !== 'number') return
        if (minimum !== undefined && value < minimum) {
          report(ctx, `must be greater than or equal to ${minimum}`)
        }
        if (maximum !== undefined && value > maximum) {
          report(ctx, `must be less than or equal to ${maximum}`)
        }
      })
    }

    if (schema.enum) {
      const allowed = schema.enum
      const message = `Must be one of the following values: [${allowed.join(', ')}]`
      checks.push((value, ctx) => {
        if (!allowed.includes(value)) report(ctx, message)
      })
    }

    if (minItems !== undefined || maxItems !== undefined || schema.items) {
      const items = schema.items ? this.compile(schema.items) : undefined
      const sizeMessage = rangeMessage('Size', minItems, maxItems)
      checks.push((value, ctx) => {
        if (!Array.isArray(value)) return
        const { length } = value
        if (
          (minItems !== undefined && length < minItems) ||
          (maxItems !== undefined && length > maxItems)
        ) {
          report(ctx, sizeMessage)
        }
        if (!items) return
        const { path } = ctx
        for (let i = 0; i < length; i++) {
          path.push(i)
          items(value[i], ctx)
          path.pop()
        }
      })
    }

    const required = schema.required ?? []
    const properties = Object.entries(schema.properties ?? {}).map(
      ([name, property]) => [name, this.compile(property)] as const,
    )
    const additional = schema.additionalProperties
    if (required.length > 0 || properties.length > 0 || additional !== undefined) {
      const known = new Set(properties.map(([name]) => name))
      const extra =
        additional === undefined || additional === false ? undefined : this.compile(additional)
      checks.push((value, ctx) => {
        if (!isObject(value)) return
        for (const name of required) {
          if (value[name] === undefined || value[name] === null)
            report(ctx, 'must be specified', name)
        }
        const { path } = ctx
        // LINE treats null like an absent property, so only present values are checked.
        for (const [name, check] of properties) {
          const child = value[name]
          if (child === undefined || child === null) continue
          path.push(name)
          check(child, ctx)
          path.pop()
        }
        if (additional === undefined) return
        for (const name in value) {
          if (known.has(name)) continue
          if (!extra) report(ctx, 'must not be specified', name)
          else {
            path.push(name)
            extra(value[name], ctx)
            path.pop()
          }
        }
      })
    }

    return checks.length === 0 ? undefined : sequence(checks)
  }
}

function dedupe(errors: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>()
  return errors.filter((error) => {
    const key = `${error.property}\u0000${error.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export function toFailure(details: ErrorDetail[]): ValidationFailure {
  return { message: `The request body has ${details.length} error(s)`, details }
}

let messaging: SchemaValidator | undefined
let webhook: SchemaValidator | undefined

/** Messaging API schemas plus the documented limits the OpenAPI document does not encode. */
export function messagingValidator(): SchemaValidator {
  messaging ??= new SchemaValidator(
    applyLineRules(loadContract().documents['messaging-api'].schemas),
  )
  return messaging
}

/** Webhook schemas exactly as LINE's document states them. */
export function webhookValidator(): SchemaValidator {
  webhook ??= new SchemaValidator(loadContract().documents.webhook.schemas)
  return webhook
}
