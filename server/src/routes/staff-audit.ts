import { AuditQuerySchema, type AuditPage } from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../deps.ts'
import { readAuditPage } from '../domain/audit/audit-reader.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { parseInput } from './validation.ts'

/** /api/staff/audit?cursor=&limit=: who changed what and when, newest first (owner, admin). */
export const staffAuditRoute = new Hono<AppEnv>().get(
  '/',
  requirePermission('audit.read'),
  async (c) => {
    const { cursor, limit } = parseInput(AuditQuerySchema, c.req.query())
    const page: AuditPage = await readAuditPage(c.var.deps.repositories.auditReader, cursor, limit)
    return c.json(page)
  },
)
