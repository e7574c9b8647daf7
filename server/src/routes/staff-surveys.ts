import {
  SurveyDefinitionSchema,
  SurveyIdParamSchema,
  SurveyResultsQuerySchema,
  type StaffSurveyList,
} from '@joren/shared'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../deps.ts'
import type { AppLinks } from '../domain/links.ts'
import {
  closeSurvey,
  createSurvey,
  openSurvey,
  staffSurveyView,
  updateSurvey,
} from '../domain/surveys/manage.ts'
import { exportSurveyCsv, surveyResults } from '../domain/surveys/report.ts'
import { requirePermission } from '../middleware/staff-auth.ts'
import { surveyDepsOf } from './liff-surveys.ts'
import { parseBody, parseInput } from './validation.ts'

function linksOf(c: Context<AppEnv>): AppLinks {
  const { config } = c.var.deps
  return {
    liffId: config.LIFF_ID ?? null,
    publicUrl: config.PUBLIC_URL,
    timeZone: config.SHOP_TIMEZONE,
  }
}

async function audit(
  c: Context<AppEnv>,
  action: string,
  surveyId: number,
  before: unknown,
  after: unknown,
): Promise<void> {
  const { repositories, clock } = c.var.deps
  await repositories.audit.record(
    {
      staffId: c.var.staff.id,
      action,
      targetType: 'survey',
      targetId: String(surveyId),
      before,
      after,
    },
    clock.now(),
  )
}

/**
 * /api/staff/surveys: definitions (surveys.manage), the list, results and CSV (surveys.read).
 * Editing questions after answers exist makes a new version; results are per version.
 */
export const staffSurveysRoute = new Hono<AppEnv>()
  .get('/', requirePermission('surveys.read'), async (c) => {
    const rows = await surveyDepsOf(c).surveys.list()
    const body: StaffSurveyList = {
      surveys: rows.map(({ survey, version, responseCount }) => ({
        id: survey.id,
        title: survey.title,
        status: survey.status,
        version: version.version,
        questionCount: version.questions.length,
        responseCount,
        rewardTemplateId: survey.rewardTemplateId,
        policy: survey.policy,
        opensAt: survey.opensAt,
        closesAt: survey.closesAt,
        createdAt: survey.createdAt,
        updatedAt: survey.updatedAt,
      })),
    }
    return c.json(body)
  })
  .post('/', requirePermission('surveys.manage'), async (c) => {
    const definition = await parseBody(c, SurveyDefinitionSchema)
    const deps = surveyDepsOf(c)
    const survey = await createSurvey(deps, definition, c.var.staff.id)
    const view = await staffSurveyView(deps, survey.id, linksOf(c))
    await audit(c, 'survey.create', survey.id, null, view)
    return c.json(view, 201)
  })
  .get('/:id', requirePermission('surveys.read'), async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    return c.json(await staffSurveyView(surveyDepsOf(c), id, linksOf(c)))
  })
  .put('/:id', requirePermission('surveys.manage'), async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    const definition = await parseBody(c, SurveyDefinitionSchema)
    const deps = surveyDepsOf(c)
    const before = await staffSurveyView(deps, id, linksOf(c))
    await updateSurvey(deps, id, definition)
    const view = await staffSurveyView(deps, id, linksOf(c))
    await audit(c, 'survey.update', id, before, view)
    return c.json(view)
  })
  .post('/:id/open', requirePermission('surveys.manage'), async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    const deps = surveyDepsOf(c)
    const before = (await deps.surveys.find(id))?.status ?? null
    await openSurvey(deps, id)
    if (before !== 'open') await audit(c, 'survey.open', id, { status: before }, { status: 'open' })
    return c.json(await staffSurveyView(deps, id, linksOf(c)))
  })
  .post('/:id/close', requirePermission('surveys.manage'), async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    const deps = surveyDepsOf(c)
    const before = (await deps.surveys.find(id))?.status ?? null
    await closeSurvey(deps, id)
    if (before !== 'closed')
      await audit(c, 'survey.close', id, { status: before }, { status: 'closed' })
    return c.json(await staffSurveyView(deps, id, linksOf(c)))
  })
  .get('/:id/results', requirePermission('surveys.read'), async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    const query = parseInput(SurveyResultsQuerySchema, c.req.query())
    return c.json(await surveyResults(surveyDepsOf(c), id, query))
  })
  .get('/:id/export.csv', requirePermission('surveys.read'), async (c) => {
    const { id } = parseInput(SurveyIdParamSchema, c.req.param())
    const query = parseInput(SurveyResultsQuerySchema, c.req.query())
    const { csv, version } = await exportSurveyCsv(surveyDepsOf(c), id, query)
    const name = `survey-${id}-v${version}.csv`
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    })
  })
