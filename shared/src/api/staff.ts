import { z } from 'zod'
import { CursorSchema, IsoDateSchema, MemberNumberSchema } from './common.ts'
import { ProfileSchema } from './liff.ts'

export const ROLES = ['owner', 'admin', 'staff'] as const
export const RoleSchema = z.enum(ROLES)
export type Role = z.infer<typeof RoleSchema>

export const StaffSchema = z.object({
  id: z.number().int(),
  displayName: z.string(),
  role: RoleSchema,
  createdAt: z.number().int(),
})
export type Staff = z.infer<typeof StaffSchema>

export const SetupClaimSchema = z.object({ code: z.string().trim().min(8).max(64) })
export const InviteCreateSchema = z.object({ role: z.enum(['admin', 'staff']) })
export const InviteAcceptSchema = z.object({ code: z.string().trim().min(8).max(64) })
export const RoleChangeSchema = z.object({ role: RoleSchema })

/** GET /api/staff/me, POST /api/staff/setup, POST /api/staff/invites/accept, PATCH …/staff/:id */
export const StaffResponseSchema = z.object({ staff: StaffSchema })
/** GET /api/staff/staff */
export const StaffListSchema = z.object({ staff: z.array(StaffSchema) })
/** POST /api/staff/invites: the code is shown once; the server keeps only its hash. */
export const InviteCreatedSchema = z.object({
  code: z.string(),
  role: z.enum(['admin', 'staff']),
  expiresAt: z.number().int(),
})
export type InviteCreated = z.infer<typeof InviteCreatedSchema>
export const StaffIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'スタッフ ID が正しくありません')
    .transform(Number),
})

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true')

/** What the member list can be ordered by: each is one index walk on the member summary. */
export const MEMBER_SORT_KEYS = [
  'joined',
  'lastVisit',
  'visits',
  'spend',
  'points',
  'tier',
] as const

/** GET /api/staff/members query. */
export const MembersQuerySchema = z.object({
  q: z.string().trim().max(50).optional(),
  tag: z.coerce.number().int().positive().optional(),
  blocked: booleanQuery.optional(),
  followedSince: IsoDateSchema.optional(),
  /** The column the list is ordered by (server-side, keyset-paged); newest member first by default. */
  sort: z.enum(MEMBER_SORT_KEYS).default('joined'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})
export type MembersQuery = z.infer<typeof MembersQuerySchema>
export type MemberSortKey = (typeof MEMBER_SORT_KEYS)[number]

/** GET /api/staff/members/export.csv: the list's filter and order, every page of it. */
export const MembersExportQuerySchema = MembersQuerySchema.omit({ cursor: true, limit: true })
export type MembersExportQuery = z.infer<typeof MembersExportQuerySchema>

export const TagSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  memberCount: z.number().int().optional(),
})
export type Tag = z.infer<typeof TagSchema>
export const TagNameSchema = z.object({
  name: z.string().trim().min(1, 'タグ名を入力してください').max(30),
})

export const MemberListItemSchema = z.object({
  memberNumber: z.string(),
  displayName: z.string().nullable(),
  followState: z.enum(['following', 'blocked']),
  followedAt: z.number().int().nullable(),
  tags: z.array(z.object({ id: z.number().int(), name: z.string() })),
  /** The member's current tier (null: no tier reached). */
  tierName: z.string().nullable(),
  points: z.number().int(),
  /** The last completed purchase (a visit), null if none. */
  lastVisitAt: z.number().int().nullable(),
  visits: z.number().int(),
  spendYen: z.number().int(),
})
export type MemberListItem = z.infer<typeof MemberListItemSchema>

export const MembersPageSchema = z.object({
  items: z.array(MemberListItemSchema),
  nextCursor: z.string().nullable(),
})
export type MembersPage = z.infer<typeof MembersPageSchema>

export const NoteCreateSchema = z.object({
  body: z.string().trim().min(1, 'メモを入力してください').max(2000),
})
export const NoteSchema = z.object({
  id: z.number().int(),
  body: z.string(),
  staffName: z.string().nullable(),
  createdAt: z.number().int(),
})

export const MemberDetailSchema = MemberListItemSchema.extend({
  pictureUrl: z.string().nullable(),
  language: z.string().nullable(),
  firstFollowedAt: z.number().int().nullable(),
  blockedAt: z.number().int().nullable(),
  profile: ProfileSchema.nullable(),
  notes: z.array(NoteSchema),
  /** When the member's personal data was erased on request (members' data rights), or null. */
  erasedAt: z.number().int().nullable().optional(),
})
export type MemberDetail = z.infer<typeof MemberDetailSchema>

export const MemberNumberParamSchema = z.object({ memberNumber: MemberNumberSchema })

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  staffName: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  at: z.number().int(),
})
export type AuditEntry = z.infer<typeof AuditEntrySchema>

/** GET /api/staff/audit query: newest first, keyset paged. */
export const AuditQuerySchema = z.object({
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})
export const AuditPageSchema = z.object({
  items: z.array(AuditEntrySchema),
  nextCursor: z.string().nullable(),
})
export type AuditPage = z.infer<typeof AuditPageSchema>
