import { AuditQuerySchema } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { queryOf } from './validation.ts'

/** /api/staff/audit?cursor=&limit=: who changed what and when, newest first (owner, admin). */
export const staffAuditRoute = new Hono<AppEnv>().get(
  '/',
  requirePermission('audit.read'),
  queryOf(AuditQuerySchema),
  async (c) => {
    const { cursor, limit } = c.req.valid('query')
    return c.json(await c.var.services.audit.page(cursor, limit))
  },
)
