import { z } from 'zod'

/** Inputs of the sandbox chat page (only served when the product runs without a LINE channel). */
export const SandboxCreateUserSchema = z.object({
  displayName: z.string().trim().min(1, '名前を入力してください').max(20),
  language: z.enum(['ja', 'en']).default('ja'),
})

export const SandboxTextSchema = z.object({
  text: z.string().min(1, 'メッセージを入力してください').max(5000),
})

export const SandboxPostbackSchema = z.object({
  data: z.string().min(1).max(300),
  /** The action's displayText, which LINE shows in the chat as the customer's message. */
  displayText: z.string().min(1).max(300).optional(),
})

export type SandboxCreateUser = z.infer<typeof SandboxCreateUserSchema>

/** GET /sandbox/api/demo-owner: the stand-in user who is the sandbox shop's owner. */
export const SandboxDemoOwnerSchema = z.object({ userId: z.string() })
export type SandboxDemoOwner = z.infer<typeof SandboxDemoOwnerSchema>

/**
 * PUT /sandbox/api/quota: the sandbox's LINE plan, to try the quota widget and an over-quota send
 * (limit null: no monthly limit; used: messages already used this month).
 */
export const SandboxQuotaSchema = z
  .object({
    limit: z.number().int().min(0).max(10_000_000).nullable().optional(),
    used: z.number().int().min(0).max(10_000_000).optional(),
  })
  .strict()
