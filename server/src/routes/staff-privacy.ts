import {
  MemberEraseSchema,
  MemberExportQuerySchema,
  MemberNumberParamSchema,
  PrivacyDocumentsUpdateSchema,
  SHOP_EXPORT_NEXT_HEADER,
  ShopExportParamSchema,
  ShopExportQuerySchema,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

const csvHeaders = (fileName: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${fileName}"`,
  'cache-control': 'no-store',
})

/**
 * /api/staff/members/:memberNumber/export and /erase: one member's data rights (owner only).
 * Export: JSON with every table, or `?format=csv&table=…` one table as CSV (UTF-8 with BOM).
 */
export const staffMemberPrivacyRoute = new Hono<AppEnv>()
  .get(
    '/:memberNumber/export',
    requirePermission('members.export'),
    paramsOf(MemberNumberParamSchema),
    queryOf(MemberExportQuerySchema),
    async (c) => {
      const { memberNumber } = c.req.valid('param')
      const { format, table } = c.req.valid('query')
      const privacy = c.var.services.privacy
      if (format === 'csv' && table) {
        const csv = await privacy.exportMemberCsv(c.var.staff, memberNumber, table)
        return c.body(csv, 200, csvHeaders(`member-${memberNumber}-${table}.csv`))
      }
      const data = await privacy.exportMember(c.var.staff, memberNumber)
      return c.json(data, 200, {
        'content-disposition': `attachment; filename="member-${memberNumber}.json"`,
        'cache-control': 'no-store',
      })
    },
  )
  .post(
    '/:memberNumber/erase',
    requirePermission('members.erase'),
    paramsOf(MemberNumberParamSchema),
    jsonBody(MemberEraseSchema),
    async (c) =>
      c.json(
        await c.var.services.privacy.eraseMember(
          c.var.staff,
          c.req.valid('param').memberNumber,
          c.req.valid('json').confirmMemberNumber,
        ),
      ),
  )

/** /api/staff/privacy: the privacy policy and terms (read: staff; edit: owner), shop export. */
export const staffPrivacyRoute = new Hono<AppEnv>()
  .get('/', requirePermission('settings.read'), async (c) =>
    c.json(await c.var.services.privacy.documents()),
  )
  .put('/', requirePermission('privacy.write'), jsonBody(PrivacyDocumentsUpdateSchema), async (c) =>
    c.json(await c.var.services.privacy.updateDocuments(c.var.staff, c.req.valid('json'))),
  )
  // The whole shop, one table at a time, one bounded page per request (?after= the cursor the
  // previous page's header gave): a request stays under a Worker's CPU limit whatever the size.
  .get(
    '/export/:table',
    requirePermission('members.export'),
    paramsOf(ShopExportParamSchema),
    queryOf(ShopExportQuerySchema),
    async (c) => {
      const { table } = c.req.valid('param')
      const { after } = c.req.valid('query')
      const page = await c.var.services.privacy.shopExport(c.var.staff, table, after)
      const headers: Record<string, string> = csvHeaders(`joren-${table}.csv`)
      if (page.next !== null) headers[SHOP_EXPORT_NEXT_HEADER] = page.next
      return c.body(page.csv, 200, headers)
    },
  )
