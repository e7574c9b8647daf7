import type { StaffSurvey, SurveyDefinition, SurveyStatus } from '@joren/shared'
import type { StaffActor } from '../audit/audit.ts'
import type { AppLinks } from '../links.ts'
import type { Write } from '../unit-of-work.ts'
import { SurveyLocked, SurveyNotFound, SurveyRewardTemplateNotFound } from './errors.ts'
import { surveyLiffUrl } from './links.ts'
import type { StoredSurvey, SurveyFields } from './store.ts'
import { loadSurvey, type SurveyDeps } from './deps.ts'

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

/** What the audit log keeps of a survey: its definition and state (no derived counts). */
function auditSnapshot(survey: StoredSurvey, version: { intro: string; questions: unknown }) {
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
  }
}

/** A new survey, as a draft with its version 1; created and audited in one commit. */
export async function createSurvey(
  deps: SurveyDeps,
  actor: StaffActor,
  definition: SurveyDefinition,
): Promise<StoredSurvey> {
  await assertRewardExists(deps, definition.rewardTemplateId)
  const { surveys, uow } = deps
  const now = deps.now()
  const fields = fieldsOf(definition)
  const created = surveys.createdIds()
  await uow.commit([
    ...surveys.createWrites(
      fields,
      { intro: definition.intro, questions: definition.questions },
      actor.id,
      now,
    ),
    uow.audit({
      staffId: actor.id,
      action: 'survey.create',
      targetType: 'survey',
      targetId: created.surveyId,
      before: null,
      after: {
        id: created.surveyId,
        ...fields,
        intro: definition.intro,
        questions: definition.questions,
        status: 'draft',
        currentVersionId: created.versionId,
        version: 1,
        createdAt: now,
      },
    }),
  ])
  const id = await surveys.latestCreatedBy(actor.id)
  const survey = id === null ? null : await surveys.find(id)
  if (!survey) throw new Error('survey committed but not found')
  return survey
}

/**
 * Replaces the definition. Changed questions or intro: a draft is edited in place (nobody can
 * have answered it); an open or closed survey gets a new version, so every response keeps the
 * questions it answered and results stay per version. Unchanged content makes no version. The
 * change and its audit row commit together.
 */
export async function updateSurvey(
  deps: SurveyDeps,
  actor: StaffActor,
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
  const { surveys, uow } = deps
  const now = deps.now()
  const fields = fieldsOf(definition)
  const content = { intro: definition.intro, questions: definition.questions }
  const changed =
    content.intro !== version.intro ||
    JSON.stringify(content.questions) !== JSON.stringify(version.questions)
  const writes: Write[] = [surveys.updateFieldsWrite(surveyId, fields, now)]
  if (changed) {
    if (survey.status === 'draft')
      // In place while still a draft; if it was opened (or answered) meanwhile, a new version.
      writes.push(
        surveys.rewriteVersionWrite(version.id, content),
        ...surveys.addVersionWrites(surveyId, content, now, { unlessChanged: true }),
      )
    else writes.push(...surveys.addVersionWrites(surveyId, content, now))
  }
  writes.push(
    uow.audit({
      staffId: actor.id,
      action: 'survey.update',
      targetType: 'survey',
      targetId: String(surveyId),
      before: auditSnapshot(survey, version),
      after: auditSnapshot({ ...survey, ...fields }, content),
    }),
  )
  await uow.commit(writes)
  const updated = await surveys.find(surveyId)
  if (!updated) throw new SurveyNotFound()
  return { survey: updated, newVersion: updated.currentVersionId !== version.id }
}

/** Changes the status from one of `from` with its audit row, only if the status changed. */
async function changeStatus(
  deps: SurveyDeps,
  actor: StaffActor,
  survey: StoredSurvey,
  from: SurveyStatus[],
  to: SurveyStatus,
): Promise<StoredSurvey> {
  const { surveys, uow } = deps
  await uow.commit([
    surveys.setStatusWrite(survey.id, from, to, deps.now()),
    uow.audit(
      {
        staffId: actor.id,
        action: to === 'open' ? 'survey.open' : 'survey.close',
        targetType: 'survey',
        targetId: String(survey.id),
        before: { status: survey.status },
        after: { status: to },
      },
      { onlyIfChanged: true },
    ),
  ])
  return (await surveys.find(survey.id)) ?? survey
}

/** draft / closed → open. Opening an open survey changes nothing (and audits nothing). */
export async function openSurvey(
  deps: SurveyDeps,
  actor: StaffActor,
  surveyId: number,
): Promise<StoredSurvey> {
  const { survey } = await loadSurvey(deps, surveyId)
  if (survey.status === 'open') return survey
  if (survey.closesAt !== null && survey.closesAt <= deps.now())
    throw new SurveyLocked('終了日時を過ぎています。終了日時を変更してから公開してください。')
  return changeStatus(deps, actor, survey, ['draft', 'closed'], 'open')
}

/** open → closed: no more responses (results and the CSV stay). */
export async function closeSurvey(
  deps: SurveyDeps,
  actor: StaffActor,
  surveyId: number,
): Promise<StoredSurvey> {
  const { survey } = await loadSurvey(deps, surveyId)
  if (survey.status === 'closed') return survey
  if (survey.status === 'draft')
    throw new SurveyLocked('公開していないアンケートは終了できません。')
  return changeStatus(deps, actor, survey, ['open'], 'closed')
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
