import { readFileSync } from 'node:fs'

/** A JSON Schema (OpenAPI 3.0 flavour) reduced to the keywords that constrain structure. */
export interface Schema {
  $ref?: string
  type?: string
  format?: string
  nullable?: boolean
  enum?: unknown[]
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  required?: string[]
  properties?: Record<string, Schema>
  additionalProperties?: Schema | false
  items?: Schema
  allOf?: Schema[]
  oneOf?: Schema[]
  anyOf?: Schema[]
  discriminator?: { propertyName: string; mapping?: Record<string, string> }
}

export interface ContractParameter {
  name: string
  required: boolean
  schema?: Schema
}

export interface ContractOperation {
  method: string
  path: string
  /** true when LINE serves the operation from api-data.line.me instead of api.line.me */
  dataApi: boolean
  pathParams: ContractParameter[]
  headerParams: ContractParameter[]
  requestBody?: { required: boolean; contentTypes: string[]; schema?: Schema }
  /** response schema per status code, where the document names one */
  responses?: Record<string, Schema>
}

export interface ContractDocument {
  file: string
  operations: Record<string, ContractOperation>
  schemas: Record<string, Schema>
}

export type DocumentName = 'messaging-api' | 'webhook'

export interface LineContract {
  source: { repository: string | null; commit: string | null }
  documents: Record<DocumentName, ContractDocument>
}

export const contractFile = new URL('./line-contract.json', import.meta.url)

let cached: LineContract | undefined

export function loadContract(): LineContract {
  cached ??= JSON.parse(readFileSync(contractFile, 'utf8')) as LineContract
  return cached
}

export const refPrefix = '#/components/schemas/'

export function refName(ref: string): string {
  if (!ref.startsWith(refPrefix)) throw new Error(`Unsupported $ref: ${ref}`)
  return ref.slice(refPrefix.length)
}
