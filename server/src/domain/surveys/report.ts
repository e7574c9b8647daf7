import type { SurveyAnswers, SurveyResults, SurveyResultsQuery } from '@joren/shared'
import { csvHeader, csvRow, UTF8_BOM } from './csv.ts'
import { SurveyNotFound } from './errors.ts'
import { buildResults, filterOf, pickVersion } from './results.ts'
import type { StoredSurveyVersion } from './store.ts'
import { loadSurvey, type SurveyDeps } from './deps.ts'

async function versionFor(
  deps: SurveyDeps,
  surveyId: number,
  requested: number | undefined,
): Promise<{
  version: StoredSurveyVersion
  versions: Awaited<ReturnType<SurveyDeps['surveys']['versions']>>
}> {
  const { survey } = await loadSurvey(deps, surveyId)
  const versions = await deps.surveys.versions(surveyId)
  const versionId = pickVersion(versions, survey.currentVersionId, requested)
  const version = await deps.surveys.version(versionId)
  if (!version || version.surveyId !== surveyId) throw new SurveyNotFound()
  return { version, versions }
}

/** The results page: one version (the current one unless asked), filtered by tier and dates. */
export async function surveyResults(
  deps: SurveyDeps,
  surveyId: number,
  query: SurveyResultsQuery,
): Promise<SurveyResults> {
  const { version, versions } = await versionFor(deps, surveyId, query.versionId)
  const filter = filterOf(query, version.id, deps.timeZone)
  const agg = await deps.results.aggregate(filter, {
    dateQuestionIds: version.questions.filter((q) => q.type === 'date').map((q) => q.id),
    textQuestionIds: version.questions.filter((q) => q.type === 'text').map((q) => q.id),
    search: query.q ? query.q : null,
  })
  return buildResults(surveyId, version, versions, agg)
}

const PAGE = 500

/**
 * The CSV export (UTF-8 with BOM, CRLF): one row per response of the version — member number,
 * submitted at in shop time, then one column per question, headed by its Japanese label.
 */
export async function exportSurveyCsv(
  deps: SurveyDeps,
  surveyId: number,
  query: SurveyResultsQuery,
): Promise<{ csv: string; version: number; rows: number }> {
  const { version } = await versionFor(deps, surveyId, query.versionId)
  const filter = filterOf(query, version.id, deps.timeZone)
  const parts = [UTF8_BOM, csvHeader(version.questions)]
  let afterId = 0
  let rows = 0
  for (;;) {
    const page = await deps.results.responsesPage(filter, afterId, PAGE)
    for (const r of page) {
      parts.push(
        csvRow(
          version.questions,
          { ...r, answers: JSON.parse(r.answers) as SurveyAnswers },
          deps.timeZone,
        ),
      )
      afterId = r.id
    }
    rows += page.length
    if (page.length < PAGE) break
  }
  return { csv: parts.join(''), version: version.version, rows }
}
