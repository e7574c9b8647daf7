// Derives server/src/sandbox/line-stand-in/line-contract.json from LINE's OpenAPI documents, keeping only
// structural facts so the project stands alone without ../shared/line-openapi.
// Usage: npx tsx server/src/sandbox/line-stand-in/derive-contract.ts [openapi-dir]
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import type {
  ContractDocument,
  ContractOperation,
  ContractParameter,
  DocumentName,
  LineContract,
  Schema,
} from './contract.ts'

type Json = Record<string, unknown>

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url))
const outFile = fileURLToPath(new URL('./line-contract.json', import.meta.url))

/** Operations the stand-in serves, by operationId. */
const servedOperations: Record<DocumentName, string[]> = {
  'messaging-api': [
    'replyMessage',
    'pushMessage',
    'multicast',
    'validateReply',
    'validatePush',
    'validateMulticast',
    'getMessageQuota',
    'getMessageQuotaConsumption',
    'getProfile',
    'getFollowers',
    'getBotInfo',
    'getMessageContent',
    'showLoadingAnimation',
    'createRichMenu',
    'validateRichMenuObject',
    'getRichMenu',
    'deleteRichMenu',
    'getRichMenuList',
    'setRichMenuImage',
    'getRichMenuImage',
    'setDefaultRichMenu',
    'getDefaultRichMenuId',
    'cancelDefaultRichMenu',
    'linkRichMenuIdToUser',
    'unlinkRichMenuIdFromUser',
    'getRichMenuIdOfUser',
    'linkRichMenuIdToUsers',
    'unlinkRichMenuIdFromUsers',
  ],
  webhook: ['callback'],
}

const files: Record<DocumentName, string> = {
  'messaging-api': 'messaging-api.yml',
  webhook: 'webhook.yml',
}

const scalarKeywords = [
  'type',
  'format',
  'nullable',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'required',
] as const

const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.keys(record)
    .sort()
    .map((key) => [key, record[key] as T])
}

/** Keeps structural keywords in a fixed order; drops prose, examples and vendor extensions. */
export function reduceSchema(source: unknown, where: string): Schema {
  if (!isObject(source)) throw new Error(`${where}: schema is not an object`)
  const out: Schema = {}
  if (typeof source.$ref === 'string') out.$ref = source.$ref
  for (const keyword of scalarKeywords) {
    const value = source[keyword]
    if (value !== undefined) (out as Json)[keyword] = structuredClone(value)
  }
  if (isObject(source.properties)) {
    const properties: Record<string, Schema> = {}
    for (const [name, schema] of sortedEntries(source.properties)) {
      properties[name] = reduceSchema(schema, `${where}.properties.${name}`)
    }
    out.properties = properties
  }
  const additional = source.additionalProperties
  if (additional === false) out.additionalProperties = false
  else if (isObject(additional)) {
    out.additionalProperties = reduceSchema(additional, `${where}.additionalProperties`)
  }
  if (source.items !== undefined) out.items = reduceSchema(source.items, `${where}.items`)
  for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = source[keyword]
    if (Array.isArray(list)) {
      out[keyword] = list.map((schema, i) => reduceSchema(schema, `${where}.${keyword}[${i}]`))
    }
  }
  const discriminator = source.discriminator
  if (isObject(discriminator) && typeof discriminator.propertyName === 'string') {
    out.discriminator = { propertyName: discriminator.propertyName }
    if (isObject(discriminator.mapping)) {
      out.discriminator.mapping = Object.fromEntries(
        sortedEntries(discriminator.mapping).map(([key, ref]) => [key, String(ref)]),
      )
    }
  }
  return out
}

function reduceParameters(list: unknown[], where: string, location: string): ContractParameter[] {
  const out: ContractParameter[] = []
  for (const param of list) {
    if (!isObject(param) || param.in !== location || typeof param.name !== 'string') continue
    const reduced: ContractParameter = { name: param.name, required: param.required === true }
    if (param.schema !== undefined) {
      reduced.schema = reduceSchema(param.schema, `${where}.parameters.${param.name}`)
    }
    out.push(reduced)
  }
  return out
}

function reduceOperation(
  path: string,
  method: string,
  pathItem: Json,
  op: Json,
  where: string,
): ContractOperation {
  const params = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(op.parameters) ? op.parameters : []),
  ]
  const servers = Array.isArray(op.servers) ? op.servers : []
  const out: ContractOperation = {
    method: method.toUpperCase(),
    path,
    dataApi: servers.some((s) => isObject(s) && String(s.url).includes('api-data.line.me')),
    pathParams: reduceParameters(params, where, 'path'),
    headerParams: reduceParameters(params, where, 'header'),
  }
  const body = op.requestBody
  if (isObject(body) && isObject(body.content)) {
    const content = body.content
    const contentTypes = Object.keys(content).sort()
    const media = contentTypes.map((type) => content[type]).find(isObject)
    out.requestBody = { required: body.required === true, contentTypes }
    if (media && media.schema !== undefined) {
      out.requestBody.schema = reduceSchema(media.schema, `${where}.requestBody`)
    }
  }
  out.responses = {}
  if (isObject(op.responses)) {
    for (const [status, response] of sortedEntries(op.responses)) {
      if (!isObject(response) || !isObject(response.content)) continue
      const media = sortedEntries(response.content)
        .map(([, value]) => value)
        .find((value): value is Json => isObject(value) && value.schema !== undefined)
      if (media) out.responses[status] = reduceSchema(media.schema, `${where}.responses.${status}`)
    }
  }
  return out
}

function deriveDocument(name: DocumentName, dir: string): ContractDocument {
  const file = files[name]
  const doc: unknown = parse(readFileSync(join(dir, file), 'utf8'))
  if (!isObject(doc) || !isObject(doc.paths) || !isObject(doc.components)) {
    throw new Error(`${file}: not an OpenAPI document`)
  }
  const schemas = doc.components.schemas
  if (!isObject(schemas)) throw new Error(`${file}: components.schemas missing`)

  const operations: Record<string, ContractOperation> = {}
  for (const [path, pathItem] of sortedEntries(doc.paths)) {
    if (!isObject(pathItem)) continue
    for (const method of httpMethods) {
      const op = pathItem[method]
      if (!isObject(op) || typeof op.operationId !== 'string') continue
      if (!servedOperations[name].includes(op.operationId)) continue
      operations[op.operationId] = reduceOperation(path, method, pathItem, op, `${file} ${path}`)
    }
  }
  const missing = servedOperations[name].filter((id) => !(id in operations))
  if (missing.length > 0) throw new Error(`${file}: operations not found: ${missing.join(', ')}`)

  const reduced: Record<string, Schema> = {}
  for (const [schemaName, schema] of sortedEntries(schemas)) {
    reduced[schemaName] = reduceSchema(schema, `${file} ${schemaName}`)
  }
  return {
    file,
    operations: Object.fromEntries(sortedEntries(operations)),
    schemas: reduced,
  }
}

function readSource(dir: string): LineContract['source'] {
  const readme = join(dir, 'README.md')
  if (!existsSync(readme)) return { repository: null, commit: null }
  const text = readFileSync(readme, 'utf8')
  return {
    repository: /repository\s+([\w.-]+\/[\w.-]+)/.exec(text)?.[1] ?? null,
    commit: /\bcommit\s+([0-9a-f]{40})\b/.exec(text)?.[1] ?? null,
  }
}

export function deriveContract(dir: string): LineContract {
  return {
    source: readSource(dir),
    documents: {
      'messaging-api': deriveDocument('messaging-api', dir),
      webhook: deriveDocument('webhook', dir),
    },
  }
}

function main(): void {
  const dir = resolve(process.argv[2] ?? join(repoRoot, '../shared/line-openapi'))
  const contract = deriveContract(dir)
  writeFileSync(outFile, `${JSON.stringify(contract, null, 2)}\n`)
  const counts = Object.entries(contract.documents).map(
    ([name, doc]) =>
      `${name}: ${Object.keys(doc.schemas).length} schemas, ${Object.keys(doc.operations).length} operations`,
  )
  console.log(
    `wrote ${outFile} (${counts.join('; ')}; commit ${contract.source.commit ?? 'unknown'})`,
  )
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
