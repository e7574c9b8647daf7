export * from './api-error.ts'
export * from './line/ids.ts'
export * from './line/webhook.ts'
export * from './sandbox.ts'
