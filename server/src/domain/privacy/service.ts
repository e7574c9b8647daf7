import type {
  ExportRow,
  MemberEraseResult,
  MemberExport,
  MemberExportTable,
  MemberPrivacy,
  PrivacyDocuments,
  PrivacyDocumentsUpdate,
  ShopExportTable,
} from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import { DomainError } from '../errors.ts'
import { MemberNotFound } from '../members/directory.ts'
import type { SettingsStore } from '../shop/settings.ts'
import { UTF8_BOM, csvLine } from '../surveys/csv.ts'
import type { UnitOfWork } from '../unit-of-work.ts'
import type { PrivacyMember, PrivacyStore } from './store.ts'
import { DEFAULT_PRIVACY_POLICY, DEFAULT_TERMS } from './templates.ts'

export const PRIVACY_SETTINGS_KEY = 'privacy_documents'
/** The version of the built-in templates (until the shop edits them). */
export const DEFAULT_DOCUMENTS_VERSION = 'default-1'
/** Rows per read of the whole-shop export: memory stays flat whatever the shop's size. */
export const SHOP_EXPORT_PAGE = 1_000
/**
 * Rows per export request: one request stays well under a Worker's CPU limit (the console follows
 * the cursor to the end and saves one file).
 */
export const SHOP_EXPORT_REQUEST_ROWS = 5_000

export class MemberErased extends DomainError {
  constructor() {
    super(409, 'member_erased', 'この会員の個人データはすでに削除されています。')
  }
}

export class EraseConfirmMismatch extends DomainError {
  constructor() {
    super(400, 'confirm_mismatch', '確認のために入力された会員番号が一致しません。')
  }
}

export class StaleDocumentsVersion extends DomainError {
  constructor() {
    super(
      409,
      'privacy_version_changed',
      'プライバシーポリシーまたは利用規約が更新されました。最新の内容をご確認のうえ、もう一度同意してください。',
    )
  }
}

export interface PrivacyDeps {
  store: PrivacyStore
  settings: SettingsStore
  uow: UnitOfWork
  now(): number
  /** A fresh random ID (the erased member's marker). */
  uuid(): string
}

/** The marker an erased member's LINE user ID becomes (never a valid LINE user ID: no 'U'). */
export const erasedMarker = (memberId: number, random: string) => `erased:${memberId}:${random}`

const DELETION_REQUEST_SUMMARY =
  'お客様から個人データの削除依頼が届きました。会員ページで内容を確認し、「個人データを削除」で対応してください（必要なら先に「データを書き出す」でお渡し用の控えを作れます）。'

export function csvOfRows(rows: readonly ExportRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const cell = (v: ExportRow[string] | undefined) =>
    v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v)
  return (
    UTF8_BOM + csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => cell(r[c])))).join('')
  )
}

/** The shop's privacy policy and terms, or the built-in templates until the shop sets its own. */
async function readDocuments(settings: PrivacyDeps['settings']): Promise<PrivacyDocuments> {
  const stored = (await settings.get(PRIVACY_SETTINGS_KEY)) as Partial<PrivacyDocuments> | undefined
  if (
    stored &&
    typeof stored.version === 'string' &&
    typeof stored.privacyPolicy === 'string' &&
    typeof stored.terms === 'string'
  )
    return {
      version: stored.version,
      privacyPolicy: stored.privacyPolicy,
      terms: stored.terms,
      updatedAt: typeof stored.updatedAt === 'number' ? stored.updatedAt : null,
    }
  return {
    version: DEFAULT_DOCUMENTS_VERSION,
    privacyPolicy: DEFAULT_PRIVACY_POLICY,
    terms: DEFAULT_TERMS,
    updatedAt: null,
  }
}

/** Reads pages of up to SHOP_EXPORT_PAGE rows until `rowsPerRequest`, as one CSV piece. */
async function shopExportCsv(
  store: PrivacyDeps['store'],
  table: ShopExportTable,
  after: number | undefined,
  rowsPerRequest: number,
): Promise<{ csv: string; next: string | null }> {
  const first = after === undefined
  const parts: string[] = []
  let cursor = after ?? 0
  let rows = 0
  let header = first ? null : ([] as string[])
  for (;;) {
    const limit = Math.min(SHOP_EXPORT_PAGE, rowsPerRequest - rows)
    const page = await store.shopExportPage(table, cursor, limit)
    if (header === null) {
      header = page.rows[0] ? Object.keys(page.rows[0]) : SHOP_EXPORT_EMPTY_HEADER[table]
      parts.push(UTF8_BOM, csvLine(header))
    }
    const cols = page.rows[0] ? Object.keys(page.rows[0]) : []
    for (const r of page.rows)
      parts.push(csvLine(cols.map((c) => (r[c] === null ? '' : String(r[c])))))
    rows += page.rows.length
    if (page.lastId === null || page.rows.length < limit) return { csv: parts.join(''), next: null }
    cursor = page.lastId
    // Full: the next request goes on from here (it may find nothing more: an empty last page).
    if (rows >= rowsPerRequest) return { csv: parts.join(''), next: String(cursor) }
  }
}

/**
 * Members' data rights (個人情報保護法): an owner exports one member's data or erases it on
 * request; the member reads the shop's privacy policy and terms, agrees to them and can ask for
 * deletion (a staff task). Every staff action commits with its audit row — the erasure's without
 * any personal data.
 */
export function createPrivacyService(deps: PrivacyDeps) {
  const { store, uow } = deps

  async function member(memberNumber: string): Promise<PrivacyMember> {
    const found = await store.memberByNumber(memberNumber)
    if (!found) throw new MemberNotFound()
    return found
  }

  const documents = () => readDocuments(deps.settings)

  async function exportMember(actor: StaffActor, memberNumber: string): Promise<MemberExport> {
    const target = await member(memberNumber)
    const tables = await store.memberExport(target)
    const exportedAt = deps.now()
    // The export is a disclosure of personal data: who took it, when (no content in the log).
    await uow.commit([
      uow.audit({
        staffId: actor.id,
        action: 'member.export',
        targetType: 'member',
        targetId: String(target.id),
        before: undefined,
        after: { rows: Object.values(tables).reduce((n, rows) => n + rows.length, 0) },
      }),
    ])
    return { exportedAt, memberNumber: target.memberNumber, tables }
  }

  return {
    documents,

    exportMember,

    /** One table of the member's export as CSV (UTF-8 with BOM). */
    async exportMemberCsv(
      actor: StaffActor,
      memberNumber: string,
      table: MemberExportTable,
    ): Promise<string> {
      const data = await exportMember(actor, memberNumber)
      return csvOfRows(data.tables[table] ?? [])
    },

    /**
     * Erases the member's personal data in every table in one atomic commit, with its audit row
     * (the member's internal ID and the count of cancelled messages only).
     */
    async eraseMember(
      actor: StaffActor,
      memberNumber: string,
      confirmMemberNumber: string,
    ): Promise<MemberEraseResult> {
      if (confirmMemberNumber !== memberNumber) throw new EraseConfirmMismatch()
      const target = await member(memberNumber)
      if (target.erasedAt !== null) throw new MemberErased()
      const now = deps.now()
      const cancelled = await store.pendingMessages(target.lineUserId)
      await uow.commit([
        ...store.eraseWrites(target, erasedMarker(target.id, deps.uuid()), now),
        uow.audit(
          {
            staffId: actor.id,
            action: 'member.erase',
            targetType: 'member',
            targetId: String(target.id),
            before: undefined,
            after: { erasedAt: now, cancelledMessages: cancelled },
          },
          // Only when the member row was still unerased (two owners at once: one erasure).
          { onlyIfChanged: true },
        ),
      ])
      const after = await store.memberById(target.id)
      if (after?.erasedAt !== now) throw new MemberErased()
      return { memberNumber: target.memberNumber, erasedAt: now, cancelledMessages: cancelled }
    },

    /**
     * One bounded page of a whole-shop table as CSV (keyset on the row ID): the first (no `after`)
     * starts with the BOM and the header line and is audited; `next` is the cursor of the page
     * after it, null on the last. `rowsPerRequest` (default SHOP_EXPORT_REQUEST_ROWS) for tests.
     */
    async shopExport(
      actor: StaffActor,
      table: ShopExportTable,
      after?: number,
      rowsPerRequest = SHOP_EXPORT_REQUEST_ROWS,
    ): Promise<{ csv: string; next: string | null }> {
      const first = after === undefined
      if (first)
        await uow.commit([
          uow.audit({
            staffId: actor.id,
            action: 'shop.export',
            targetType: 'shop',
            targetId: table,
            before: undefined,
            after: { table },
          }),
        ])
      return shopExportCsv(store, table, after, rowsPerRequest)
    },

    async updateDocuments(
      actor: StaffActor,
      input: PrivacyDocumentsUpdate,
    ): Promise<PrivacyDocuments> {
      const before = await documents()
      const now = deps.now()
      const next: PrivacyDocuments = {
        version: `v${now}`,
        privacyPolicy: input.privacyPolicy,
        terms: input.terms,
        updatedAt: now,
      }
      await uow.commit([
        deps.settings.putWrite(PRIVACY_SETTINGS_KEY, next, now),
        uow.audit({
          staffId: actor.id,
          action: 'privacy.update',
          targetType: 'settings',
          targetId: PRIVACY_SETTINGS_KEY,
          before: { version: before.version },
          after: { version: next.version },
        }),
      ])
      return next
    },

    /** The mini-app: the documents, this member's agreement and any open deletion request. */
    async memberPrivacy(memberId: number): Promise<MemberPrivacy> {
      const docs = await documents()
      const agreed = await store.agreement(memberId, docs.version)
      return {
        ...docs,
        agreedVersion: agreed ? docs.version : null,
        agreedAt: agreed?.agreedAt ?? null,
        deletionRequestedAt: await store.openDeletionRequest(memberId),
      }
    },

    /**
     * True when the member agreed to the current documents, or when the shop has not set its own
     * (the built-in templates; the mini-app still asks at registration). A profile save needs it.
     */
    async agreedIfRequired(memberId: number): Promise<boolean> {
      const stored = (await deps.settings.get(PRIVACY_SETTINGS_KEY)) as unknown
      if (stored === undefined || stored === null) return true
      const docs = await documents()
      return (await store.agreement(memberId, docs.version)) !== null
    },

    /** Records the member's agreement to the version they were shown (the current one only). */
    async agree(memberId: number, version: string): Promise<MemberPrivacy> {
      const docs = await documents()
      if (version !== docs.version) throw new StaleDocumentsVersion()
      await uow.commit(store.agreeWrites(memberId, version, deps.now()))
      return this.memberPrivacy(memberId)
    },

    /** 「個人データの削除を依頼する」: a task for staff (one open at a time), audited. */
    async requestDeletion(memberId: number): Promise<MemberPrivacy> {
      const now = deps.now()
      await uow.commit([
        store.deletionRequestWrite(memberId, DELETION_REQUEST_SUMMARY, now),
        uow.audit(
          {
            staffId: null,
            action: 'member.deletion_requested',
            targetType: 'member',
            targetId: String(memberId),
            before: undefined,
            after: { requestedAt: now },
          },
          { onlyIfChanged: true },
        ),
      ])
      return this.memberPrivacy(memberId)
    },
  }
}

const SHOP_EXPORT_EMPTY_HEADER: Record<ShopExportTable, string[]> = {
  members: ['member_number'],
  purchases: ['purchase_id'],
  points: ['ledger_id'],
  coupons: ['coupon_id'],
  responses: ['response_id'],
}

export type PrivacyService = ReturnType<typeof createPrivacyService>
