import type { ContractOperation } from './contract.ts'
import { loadContract, refName } from './contract.ts'
import type { BodyKind, Call, Reply, Route } from './http-io.ts'

export interface OperationInfo {
  method: string
  /** exact path, or a RegExp capturing the path parameters in order */
  path: string | RegExp
  body: BodyKind
  /** schema the request body must satisfy, when the contract names one */
  requestSchema: string | undefined
}

function pathMatcher(template: string): string | RegExp {
  if (!template.includes('{')) return template
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('([^/]+)')
  return new RegExp(`^${escaped}$`)
}

function bodyKind(op: ContractOperation): BodyKind {
  const types = op.requestBody?.contentTypes ?? []
  if (types.includes('application/json')) return 'json'
  if (types.includes('application/x-www-form-urlencoded')) return 'form'
  return types.length > 0 ? 'bytes' : 'none'
}

/** Method, path and body schema of a Messaging API operation, from the derived contract. */
export function operation(operationId: string): OperationInfo {
  let info = cache.get(operationId)
  if (!info) {
    info = describe(operationId)
    cache.set(operationId, info)
  }
  return info
}

const cache = new Map<string, OperationInfo>()

function describe(operationId: string): OperationInfo {
  const op = loadContract().documents['messaging-api'].operations[operationId]
  if (!op) throw new Error(`operation ${operationId} is not in line-contract.json`)
  const ref = op.requestBody?.schema?.$ref
  return {
    method: op.method,
    path: pathMatcher(op.path),
    body: bodyKind(op),
    requestSchema: ref ? refName(ref) : undefined,
  }
}

/** An authenticated, rate-limited route for a contract operation. */
export function operationRoute(
  operationId: string,
  rate: string,
  handle: (call: Call) => Reply | Promise<Reply>,
): Route {
  const { method, path, body } = operation(operationId)
  return { method, path, body, auth: true, rate, handle }
}
