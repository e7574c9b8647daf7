import type { StaffSurvey, SurveyDefinition } from '@joren/shared'
import type { AppLinks } from '../links.ts'
import { SurveyLocked, SurveyNotFound, SurveyRewardTemplateNotFound } from './errors.ts'
import { surveyLiffUrl } from './links.ts'
import type { StoredSurvey, SurveyFields } from './store.ts'
import { loadSurvey, type SurveyDeps } from './submit.ts'

function fieldsOf(definition: SurveyDefinition): SurveyFields {
  return {
    title: definition.title,
    rewardTemplateId: definition.rewardTemplateId,
    policy: definition.policy,
    opensAt: definition.opensAt,
    closesAt: definition.closesAt,
    alerts: definition.alerts,
  }
}

async function assertRewardExists(deps: SurveyDeps, templateId: number | null): Promise<void> {
  if (templateId === null) return
  if (!(await deps.coupons.coupons.findTemplate(templateId)))
    throw new SurveyRewardTemplateNotFound()
}

/** A new survey, as a draft with its version 1. */
export async function createSurvey(
  deps: SurveyDeps,
  definition: SurveyDefinition,
  staffId: number | null,
): Promise<StoredSurvey> {
  await assertRewardExists(deps, definition.rewardTemplateId)
  return deps.surveys.create(
    fieldsOf(definition),
    { intro: definition.intro, questions: definition.questions },
    staffId,
    deps.now(),
  )
}

/**
 * Replaces the definition. Changed questions or intro: a draft is edited in place (nobody can
 * have answered it); an open or closed survey gets a new version, so every response keeps the
 * questions it answered and results stay per version. Unchanged content makes no version.
 */
export async function updateSurvey(
  deps: SurveyDeps,
  surveyId: number,
  definition: SurveyDefinition,
): Promise<{ survey: StoredSurvey; newVersion: boolean }> {
  const { survey, version } = await loadSurvey(deps, surveyId)
  await assertRewardExists(deps, definition.rewardTemplateId)
  // The policy is part of each response's duplicate key: changing it once people have answered
  // would let them answer (and be rewarded) again at once.
  if (JSON.stringify(definition.policy) !== JSON.stringify(survey.policy)) {
    const versions = await deps.surveys.versions(surveyId)
    if (versions.some((v) => v.responseCount > 0))
      throw new SurveyLocked(
        '回答があるアンケートの回答ルール（1人1回／N日ごと）は変更できません。新しいアンケートを作成してください。',
      )
  }
  const now = deps.now()
  await deps.surveys.updateFields(surveyId, fieldsOf(definition), now)
  const content = { intro: definition.intro, questions: definition.questions }
  const changed =
    content.intro !== version.intro ||
    JSON.stringify(content.questions) !== JSON.stringify(version.questions)
  let newVersion = false
  if (changed) {
    const rewritten =
      survey.status === 'draft' && (await deps.surveys.rewriteVersion(version.id, content))
    if (!rewritten) {
      await deps.surveys.addVersion(surveyId, content, now)
      newVersion = true
    }
  }
  const updated = await deps.surveys.find(surveyId)
  if (!updated) throw new SurveyNotFound()
  return { survey: updated, newVersion }
}

/** draft / closed → open. Opening an open survey changes nothing. */
export async function openSurvey(deps: SurveyDeps, surveyId: number): Promise<StoredSurvey> {
  const { survey } = await loadSurvey(deps, surveyId)
  const now = deps.now()
  if (survey.status === 'open') return survey
  if (survey.closesAt !== null && survey.closesAt <= now)
    throw new SurveyLocked('終了日時を過ぎています。終了日時を変更してから公開してください。')
  if (!(await deps.surveys.setStatus(surveyId, ['draft', 'closed'], 'open', now)))
    return (await deps.surveys.find(surveyId)) ?? survey
  return { ...survey, status: 'open', updatedAt: now }
}

/** open → closed: no more responses (results and the CSV stay). */
export async function closeSurvey(deps: SurveyDeps, surveyId: number): Promise<StoredSurvey> {
  const { survey } = await loadSurvey(deps, surveyId)
  if (survey.status === 'closed') return survey
  if (survey.status === 'draft')
    throw new SurveyLocked('公開していないアンケートは終了できません。')
  const now = deps.now()
  await deps.surveys.setStatus(surveyId, ['open'], 'closed', now)
  return (await deps.surveys.find(surveyId)) ?? survey
}

/** Everything the editor shows: the definition (current version) with versions and counts. */
export async function staffSurveyView(
  deps: SurveyDeps,
  surveyId: number,
  links: AppLinks,
): Promise<StaffSurvey> {
  const { survey, version } = await loadSurvey(deps, surveyId)
  const versions = await deps.surveys.versions(surveyId)
  return {
    id: survey.id,
    title: survey.title,
    intro: version.intro,
    status: survey.status,
    questions: version.questions,
    rewardTemplateId: survey.rewardTemplateId,
    policy: survey.policy,
    opensAt: survey.opensAt,
    closesAt: survey.closesAt,
    alerts: survey.alerts,
    currentVersionId: version.id,
    version: version.version,
    versions,
    responseCount: versions.reduce((sum, v) => sum + v.responseCount, 0),
    liffUrl: surveyLiffUrl(links, survey.id),
    createdAt: survey.createdAt,
    updatedAt: survey.updatedAt,
  }
}
