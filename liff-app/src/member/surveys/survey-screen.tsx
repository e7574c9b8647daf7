import {
  isAnswered,
  normalizeSurveyAnswers,
  validateSurveyAnswers,
  type MemberSurvey,
  type SurveyAnswers,
  type SurveyAnswerValue,
  type SurveyQuestion,
  type SurveySubmitResult,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorView } from '../components/error-view.tsx'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import type { ScreenProps } from '../screen-props.ts'
import { createDraftSaver, type DraftStatus } from './draft-saver.ts'
import { requiredProgress } from './progress.ts'
import { QuestionField } from './question-field.tsx'
import { localDraft, mergeDrafts } from './local-draft.ts'
import { draftToSave } from './restore-draft.ts'
import { surveyText } from './survey-text.ts'
import { ThankYou } from './thank-you.tsx'

type Outcome =
  | { kind: 'form' }
  | { kind: 'done'; result: SurveySubmitResult }
  | { kind: 'answered' }
  | { kind: 'closed' }

/** The shared validation speaks Japanese; English members get the same rule in English. */
function englishMessage(question: SurveyQuestion, value: SurveyAnswerValue | undefined): string {
  if (!isAnswered(value)) return 'Please answer this question'
  switch (question.type) {
    case 'multiple':
      return question.minChoices !== null &&
        Array.isArray(value) &&
        value.length < question.minChoices
        ? `Choose at least ${question.minChoices}`
        : `Choose up to ${question.maxChoices ?? question.options.length}`
    case 'text':
      return `Please keep it within ${question.maxLength} characters`
    case 'date':
      return 'Please enter a valid date'
    default:
      return 'Please choose one'
  }
}

/** questionId → message, for the questions that may show theirs now. */
function visibleErrors(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
  touched: ReadonlySet<string>,
): Record<string, string> {
  const all = validateSurveyAnswers(questions, answers, { requireAll: true })
  const shown: Record<string, string> = {}
  for (const question of questions) {
    const message = all[question.id]
    if (!message || !touched.has(question.id)) continue
    shown[question.id] =
      locale() === 'en' ? englishMessage(question, answers[question.id]) : message
  }
  return shown
}

/** `answers.<questionId>` details of a 400 → questionId → message. */
function serverErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const errors: Record<string, string> = {}
  for (const issue of error.details) {
    const [head, id] = issue.path.split('.')
    if (head === 'answers' && id && !errors[id]) errors[id] = issue.message
  }
  return errors
}

function focusQuestion(id: string) {
  const fieldset = document.querySelector<HTMLElement>(`[data-question="${CSS.escape(id)}"]`)
  if (!fieldset) return
  fieldset.scrollIntoView({ block: 'center', behavior: 'smooth' })
  const control =
    fieldset.querySelector<HTMLElement>('input:checked') ??
    fieldset.querySelector<HTMLElement>('input, textarea')
  control?.focus({ preventScroll: true })
}

function deviceStorage(): Storage | null {
  try {
    return localStorage
  } catch {
    return null
  }
}

function SurveyForm({
  api,
  survey,
  memberNumber,
}: {
  api: ScreenProps['api']
  survey: MemberSurvey
  memberNumber: string
}) {
  const m = surveyText()
  const { questions } = survey
  const device = useMemo(
    () =>
      localDraft(deviceStorage(), `joren.survey.${memberNumber}.${survey.id}.${survey.versionId}`),
    [memberNumber, survey.id, survey.versionId],
  )
  const [answers, setAnswers] = useState<SurveyAnswers>(() =>
    mergeDrafts(questions, survey.draft, device.read()),
  )
  const restored = useMemo(() => Object.keys(answers).length > 0, [])
  const [touched, setTouched] = useState<Set<string>>(() => new Set())
  const [server, setServer] = useState<Record<string, string>>({})
  const [sending, setSending] = useState(false)
  const [formError, setFormError] = useState<string | null>(null)
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'form' })
  const [draftStatus, setDraftStatus] = useState<DraftStatus>('idle')
  const pendingFocus = useRef<string | null>(null)
  // A second tap can arrive before the disabled button has rendered: guard with a ref too.
  const inFlight = useRef(false)

  const saver = useMemo(
    () =>
      createDraftSaver<SurveyAnswers>(
        (draft) =>
          api.send('PUT', `/api/liff/surveys/${survey.id}/draft`, {
            answers: draftToSave(questions, draft),
          }),
        setDraftStatus,
      ),
    [api, survey.id],
  )
  // Leaving (another screen, closing LIFF, the app going to the background) saves at once.
  useEffect(() => {
    const hide = () => document.visibilityState === 'hidden' && void saver.flush()
    document.addEventListener('visibilitychange', hide)
    addEventListener('pagehide', hide)
    return () => {
      document.removeEventListener('visibilitychange', hide)
      removeEventListener('pagehide', hide)
      void saver.flush()
    }
  }, [saver])

  useEffect(() => {
    if (!pendingFocus.current) return
    focusQuestion(pendingFocus.current)
    pendingFocus.current = null
  })

  const errors = { ...visibleErrors(questions, answers, touched), ...server }
  const progress = requiredProgress(questions, answers)
  const touch = (id: string) =>
    setTouched((current) => (current.has(id) ? current : new Set(current).add(id)))

  const change = (question: SurveyQuestion, value: SurveyAnswerValue) => {
    const next = { ...answers, [question.id]: value }
    setAnswers(next)
    setFormError(null)
    if (server[question.id]) setServer(({ [question.id]: _, ...rest }) => rest)
    // A choice is a finished answer: its message (e.g. too many choices) may show at once.
    if (question.type !== 'text' && question.type !== 'date') touch(question.id)
    device.write(next)
    saver.schedule(next)
  }

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (inFlight.current) return
    const invalid = validateSurveyAnswers(questions, answers, { requireAll: true })
    const first = questions.find((q) => invalid[q.id])
    if (first) {
      setTouched(new Set(questions.map((q) => q.id)))
      setFormError(m.fixErrors(Object.keys(invalid).length))
      pendingFocus.current = first.id
      return
    }
    inFlight.current = true
    setSending(true)
    setFormError(null)
    await saver.cancel()
    try {
      const result = await api.send<SurveySubmitResult>(
        'POST',
        `/api/liff/surveys/${survey.id}/responses`,
        { answers: normalizeSurveyAnswers(questions, answers) },
      )
      device.clear()
      setOutcome({ kind: 'done', result })
      scrollTo(0, 0)
    } catch (error) {
      inFlight.current = false
      setSending(false)
      if (error instanceof ApiError && error.code === 'survey_already_answered') {
        device.clear()
        setOutcome({ kind: 'answered' })
      } else if (error instanceof ApiError && error.code === 'survey_not_open') {
        setOutcome({ kind: 'closed' })
      } else if (error instanceof ApiError && error.code === 'invalid_answers') {
        const byQuestion = serverErrors(error)
        setServer(byQuestion)
        setFormError(m.fixErrors(Object.keys(byQuestion).length || 1))
        const firstServer = questions.find((q) => byQuestion[q.id])
        if (firstServer) pendingFocus.current = firstServer.id
      } else {
        setFormError(error instanceof ApiError && error.status < 500 ? error.message : m.sendFailed)
      }
    }
  }

  if (outcome.kind === 'done') return <ThankYou survey={survey} result={outcome.result} />
  if (outcome.kind === 'answered' || outcome.kind === 'closed')
    return <Notice title={outcome.kind === 'answered' ? m.alreadyAnswered : m.closed} />

  const draftNote =
    draftStatus === 'saving' || draftStatus === 'pending'
      ? m.draftSaving
      : draftStatus === 'saved'
        ? m.draftSaved
        : draftStatus === 'failed'
          ? m.draftFailed
          : restored
            ? m.draftRestored
            : ''
  return (
    <form
      class="page sv-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="survey-form"
    >
      <header class="sv-head">
        <h1 class="page-title">{survey.title}</h1>
        {survey.intro && <p class="muted sv-intro">{survey.intro}</p>}
        {survey.reward && <p class="sv-reward-note">{`🎁 ${m.reward}：${survey.reward.title}`}</p>}
      </header>
      <div class="sv-progress" data-testid="survey-progress">
        <div class="sv-progress-text">
          <span>{m.progress(progress.answered, progress.total)}</span>
          <span class="sv-draft" role="status">
            {draftNote}
          </span>
        </div>
        <div
          class="sv-progress-track"
          role="progressbar"
          aria-label={m.progressLabel}
          aria-valuemin={0}
          aria-valuemax={progress.total}
          aria-valuenow={progress.answered}
          aria-valuetext={m.progress(progress.answered, progress.total)}
        >
          <span class="sv-progress-fill" style={{ width: `${progress.ratio * 100}%` }} />
        </div>
      </div>
      {questions.map((question, index) => (
        <QuestionField
          key={question.id}
          question={question}
          index={index}
          value={answers[question.id]}
          error={errors[question.id]}
          onChange={(value) => change(question, value)}
          onLeave={() => touch(question.id)}
        />
      ))}
      {formError && (
        <p class="form-alert" role="alert">
          {formError}
        </p>
      )}
      <button class="btn btn-block btn-lg" type="submit" disabled={sending} aria-busy={sending}>
        {sending ? m.sending : m.submit}
      </button>
    </form>
  )
}

function Notice({ title }: { title: string }) {
  const m = surveyText()
  return (
    <div class="page">
      <div class="notice" role="status">
        <h1 class="notice-title">{title}</h1>
        <a class="btn btn-secondary btn-block" href={href('/')}>
          {m.backHome}
        </a>
      </div>
    </div>
  )
}

/** `/liff/surveys/:id`: every question on one page, a draft kept, submitted once. */
export default function SurveyScreen({ api, config, me, params }: ScreenProps) {
  const m = surveyText()
  const id = params.id ?? ''
  const survey = useResource(
    (signal) => api.get<MemberSurvey>(`/api/liff/surveys/${encodeURIComponent(id)}`, { signal }),
    `survey:${id}`,
  )
  if (survey.error && !survey.data) {
    if (survey.error instanceof ApiError && survey.error.code === 'survey_not_open')
      return <Notice title={m.closed} />
    return <ErrorView error={survey.error} config={config} onRetry={survey.reload} />
  }
  if (!survey.data)
    return (
      <div class="page" aria-busy="true">
        <span class="skel skel-title w60" />
        <span class="skel block-skel" />
        <span class="skel block-skel" />
      </div>
    )
  if (survey.data.answered) return <Notice title={m.alreadyAnswered} />
  return (
    <SurveyForm
      key={survey.data.versionId}
      api={api}
      survey={survey.data}
      memberNumber={me.member.memberNumber}
    />
  )
}
