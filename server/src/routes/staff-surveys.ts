import {
  SurveyDefinitionSchema,
  SurveyIdParamSchema,
  SurveyResultsQuerySchema,
} from '@joren/shared'
import { Hono } from 'hono'
import type { AppEnv } from '../middleware/env.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { jsonBody, paramsOf, queryOf } from './validation.ts'

/**
 * /api/staff/surveys: definitions (surveys.manage), the list, results and CSV (surveys.read).
 * Editing questions after answers exist makes a new version; results are per version.
 */
export const staffSurveysRoute = new Hono<AppEnv>()
  .get('/', requirePermission('surveys.read'), async (c) =>
    c.json(await c.var.services.surveys.list()),
  )
  .post('/', requirePermission('surveys.manage'), jsonBody(SurveyDefinitionSchema), async (c) =>
    c.json(await c.var.services.surveys.create(c.var.staff, c.req.valid('json')), 201),
  )
  .get('/:id', requirePermission('surveys.read'), paramsOf(SurveyIdParamSchema), async (c) =>
    c.json(await c.var.services.surveys.get(c.req.valid('param').id)),
  )
  .put(
    '/:id',
    requirePermission('surveys.manage'),
    paramsOf(SurveyIdParamSchema),
    jsonBody(SurveyDefinitionSchema),
    async (c) =>
      c.json(
        await c.var.services.surveys.update(
          c.var.staff,
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
      ),
  )
  .post(
    '/:id/open',
    requirePermission('surveys.manage'),
    paramsOf(SurveyIdParamSchema),
    async (c) => c.json(await c.var.services.surveys.open(c.var.staff, c.req.valid('param').id)),
  )
  .post(
    '/:id/close',
    requirePermission('surveys.manage'),
    paramsOf(SurveyIdParamSchema),
    async (c) => c.json(await c.var.services.surveys.close(c.var.staff, c.req.valid('param').id)),
  )
  .get(
    '/:id/results',
    requirePermission('surveys.read'),
    paramsOf(SurveyIdParamSchema),
    queryOf(SurveyResultsQuerySchema),
    async (c) =>
      c.json(await c.var.services.surveys.results(c.req.valid('param').id, c.req.valid('query'))),
  )
  .get(
    '/:id/export.csv',
    requirePermission('surveys.read'),
    paramsOf(SurveyIdParamSchema),
    queryOf(SurveyResultsQuerySchema),
    async (c) => {
      const { csv, fileName } = await c.var.services.surveys.exportCsv(
        c.req.valid('param').id,
        c.req.valid('query'),
      )
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${fileName}"`,
        'cache-control': 'no-store',
      })
    },
  )
