import { z } from 'zod'
import { MemberNumberSchema } from './common.ts'

// ── Members' data rights (個人情報保護法, issue 18) ─────────────────────────────────────────────

/** The tables of one member's export (JSON keys; `?format=csv&table=` names one of them). */
export const MEMBER_EXPORT_TABLES = [
  'profile',
  'purchases',
  'points',
  'stamps',
  'coupons',
  'surveyAnswers',
  'conversation',
  'faqQuestions',
  'journeys',
  'referrals',
  'consent',
  'agreements',
  'attributes',
  'tags',
  'notes',
] as const
export type MemberExportTable = (typeof MEMBER_EXPORT_TABLES)[number]

/** GET /api/staff/members/:memberNumber/export: JSON (everything) or one table as CSV. */
export const MemberExportQuerySchema = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    table: z.enum(MEMBER_EXPORT_TABLES).optional(),
  })
  .refine((q) => q.format === 'json' || q.table !== undefined, {
    message: 'CSV は表をひとつ選んでください（table=profile など）',
    path: ['table'],
  })

export type ExportRow = Record<string, string | number | boolean | null>

/** The JSON export: one array of rows per table (the profile is one row). */
export const MemberExportSchema = z.object({
  exportedAt: z.number().int(),
  memberNumber: MemberNumberSchema,
  tables: z.record(
    z.enum(MEMBER_EXPORT_TABLES),
    z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  ),
})
export type MemberExport = z.infer<typeof MemberExportSchema>

/** POST /api/staff/members/:memberNumber/erase: the owner types the member number to confirm. */
export const MemberEraseSchema = z.object({ confirmMemberNumber: MemberNumberSchema })

export const MemberEraseResultSchema = z.object({
  memberNumber: MemberNumberSchema,
  erasedAt: z.number().int(),
  /** Messages still waiting for them that were cancelled. */
  cancelledMessages: z.number().int(),
})
export type MemberEraseResult = z.infer<typeof MemberEraseResultSchema>

/** The whole-shop export's tables (CSV, streamed page by page). */
export const SHOP_EXPORT_TABLES = [
  'members',
  'purchases',
  'points',
  'coupons',
  'responses',
] as const
export type ShopExportTable = (typeof SHOP_EXPORT_TABLES)[number]
export const ShopExportParamSchema = z.object({ table: z.enum(SHOP_EXPORT_TABLES) })
/**
 * `?after=<cursor>`: the page after the one whose response carried the cursor in
 * SHOP_EXPORT_NEXT_HEADER. Without it, the first page (with the BOM and the header line).
 */
export const ShopExportQuerySchema = z
  .object({
    after: z
      .string()
      .regex(/^\d{1,15}$/, 'after: 正しくないカーソルです')
      .transform(Number)
      .optional(),
  })
  .strict()
/** The response header holding the next page's cursor (absent on the last page). */
export const SHOP_EXPORT_NEXT_HEADER = 'x-next-cursor'

// ── Privacy policy and terms ──────────────────────────────────────────────────────────────────

export const PrivacyDocumentsSchema = z.object({
  /** Changes with every edit; the member agrees to a version. */
  version: z.string(),
  privacyPolicy: z.string(),
  terms: z.string(),
  updatedAt: z.number().int().nullable(),
})
export type PrivacyDocuments = z.infer<typeof PrivacyDocumentsSchema>

/** PUT /api/staff/privacy: both texts; the server sets the new version. */
export const PrivacyDocumentsUpdateSchema = z.object({
  privacyPolicy: z.string().trim().min(20, 'プライバシーポリシーが短すぎます').max(20_000),
  terms: z.string().trim().min(20, '利用規約が短すぎます').max(20_000),
})
export type PrivacyDocumentsUpdate = z.infer<typeof PrivacyDocumentsUpdateSchema>

/** GET /api/liff/privacy: the texts, and whether this member agreed to the current version. */
export const MemberPrivacySchema = PrivacyDocumentsSchema.extend({
  agreedVersion: z.string().nullable(),
  agreedAt: z.number().int().nullable(),
  /** When they asked for deletion (an open request), or null. */
  deletionRequestedAt: z.number().int().nullable(),
})
export type MemberPrivacy = z.infer<typeof MemberPrivacySchema>

/** POST /api/liff/privacy/agree: the version shown to the member. */
export const PrivacyAgreeSchema = z.object({ version: z.string().min(1).max(64) })

/** POST /api/liff/deletion-request: an optional note in their words. */
export const DeletionRequestSchema = z.object({
  confirm: z.literal(true),
})
