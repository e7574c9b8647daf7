import {
  isAnswered,
  NPS_MAX,
  NPS_MIN,
  RATING_MAX,
  RATING_MIN,
  surveyScaleLabels,
  validateSurveyAnswer,
  type SurveyAnswers,
  type SurveyQuestion,
} from '@joren/shared'
import { couponCard } from '../coupons/chat.ts'
import { DomainError } from '../errors.ts'
import type { AppLinks } from '../links.ts'
import type { LineMessage } from '../messaging/messenger.ts'
import { SurveyAlreadyAnswered, SurveyNotFound, SurveyNotOpen } from './errors.ts'
import { surveyLinkAction } from './links.ts'
import type { StoredSurvey, StoredSurveyVersion, SurveySession } from './store.ts'
import type { SurveyDeps } from './deps.ts'
import { openSurveyFor, submitSurveyResponse } from './submit.ts'
import type { ChatContext, ChatRouter, Replies } from '../chat/router.ts'
import { localeOf, type Locale } from '../chat/texts.ts'

/**
 * Chat mode for short surveys (issue 5): 「アンケート」 starts (or resumes) an open survey and the
 * bot asks one question at a time with quick replies. Answers are postbacks
 * `action=survey_answer&s=<survey>&v=<version>&q=<question>&a=<value>`; progress lives in the
 * survey domain's session store (the same row as the mini-app draft, channel 'chat'); the last
 * answer submits through `submitSurveyResponse`, so the response and its reward coupon are the
 * same as from the mini-app form. Questions chat cannot ask (free text, multiple choice, dates)
 * are handed to the mini-app when reached (optional ones can be skipped); a survey with none it can
 * ask, or more than 5, goes to the mini-app with a button.
 *
 * Stale postbacks (an old version, a question already answered, a closed or answered survey) get
 * a polite message and, where it helps, the current question again — never an error.
 */

export const CHAT_MAX_QUESTIONS = 5
/** LINE shows at most 13 quick-reply items. */
const MAX_QUICK_REPLIES = 13
/** The postback value of 「スキップ」 (an optional question); stored as null = unanswered. */
const SKIP = '-'

export interface SurveyChatDeps {
  survey: SurveyDeps
  links: AppLinks
}

const TEXT = {
  ja: {
    none: '現在お答えいただけるアンケートはありません。また新しいアンケートが始まったらお知らせしますね。',
    pick: 'お答えいただけるアンケートです。どれに答えますか？',
    intro: (title: string, n: number) =>
      `「${title}」にご協力ください（全${n}問）。下のボタンから選んでお答えください。`,
    liff: (title: string) =>
      `「${title}」はミニアプリでお答えいただけます。下のボタンから開いてください。`,
    liffLabel: 'アンケートに答える',
    continueInLiff: 'この質問からはミニアプリでお答えください。ここまでの回答は保存されています。',
    optionalInLiff: 'この質問はミニアプリでご記入いただけます（任意）。スキップもできます。',
    writeInLiff: 'ミニアプリで書く',
    resumeAsk: (title: string, done: number, n: number) =>
      `「${title}」の途中です（${done}/${n}問回答済み）。続きからお答えいただけます。`,
    resume: '続きから',
    restart: '最初から',
    stop: '中断',
    skip: 'スキップ',
    stopped:
      'アンケートを中断しました。「アンケート」と送っていただくと、いつでも続きからお答えいただけます。',
    thanks: (title: string) => `「${title}」へのご回答ありがとうございました！`,
    reward: '回答のお礼にクーポンをお送りします。',
    rewardUnavailable: '回答特典のクーポンは配布を終了しました。ご回答ありがとうございました。',
    answered: 'このアンケートには回答済みです。ご協力ありがとうございました。',
    notOpen: 'このアンケートは受付を終了しました。ご協力ありがとうございました。',
    updated: 'このアンケートは内容が更新されました。お手数ですが、こちらの質問からお答えください。',
    alreadyAnswered: 'その質問にはすでにお答えいただいています。',
    notStarted: 'このアンケートは始まっていません。「アンケート」と送るとお答えいただけます。',
    invalid: 'その回答は受け付けられませんでした。下のボタンから選んでください。',
    npsScale: (low: string, high: string) => `0 = ${low}、10 = ${high}`,
    ratingScale: (low: string, high: string) => `1 = ${low}、5 = ${high}`,
  },
  en: {
    none: 'There is no survey to answer right now. We will let you know when a new one starts.',
    pick: 'These surveys are open. Which one would you like to answer?',
    intro: (title: string, n: number) =>
      `Please answer "${title}" (${n} question${n === 1 ? '' : 's'}). Tap an answer below.`,
    liff: (title: string) => `"${title}" is answered in the mini app. Tap below to open it.`,
    liffLabel: 'Answer the survey',
    continueInLiff:
      'Please answer from this question on in the mini app. Your answers so far are saved.',
    optionalInLiff: 'You can answer this question in the mini app (optional), or skip it.',
    writeInLiff: 'Answer in the app',
    resumeAsk: (title: string, done: number, n: number) =>
      `You are part-way through "${title}" (${done}/${n} answered). You can continue where you left off.`,
    resume: 'Continue',
    restart: 'Start over',
    stop: 'Stop',
    skip: 'Skip',
    stopped: 'Survey paused. Send "survey" any time to continue where you left off.',
    thanks: (title: string) => `Thank you for answering "${title}"!`,
    reward: 'Here is a coupon as our thanks.',
    rewardUnavailable: 'The reward coupons have run out. Thank you for your answers.',
    answered: 'You have already answered this survey. Thank you!',
    notOpen: 'This survey is closed. Thank you!',
    updated: 'This survey has been updated. Please answer this question.',
    alreadyAnswered: 'You have already answered that question.',
    notStarted: 'This survey has not been started. Send "survey" to answer it.',
    invalid: 'That answer could not be accepted. Please tap one of the buttons.',
    npsScale: (low: string, high: string) => `0 = ${low}, 10 = ${high}`,
    ratingScale: (low: string, high: string) => `1 = ${low}, 5 = ${high}`,
  },
}

const chars = (text: string, max: number) => Array.from(text).slice(0, max).join('')
const text = (body: string, quickReplyItems?: QuickReplyItem[]): LineMessage => ({
  type: 'text',
  text: chars(body, 5000),
  ...(quickReplyItems && quickReplyItems.length > 0
    ? { quickReply: { items: quickReplyItems } }
    : {}),
})

type QuickReplyItem = {
  type: 'action'
  action:
    | { type: 'postback'; label: string; data: string; displayText: string }
    | { type: 'uri'; label: string; uri: string }
}

function postbackItem(label: string, data: string, shown = label): QuickReplyItem {
  return {
    type: 'action',
    action: { type: 'postback', label: chars(label, 20), data, displayText: chars(shown, 300) },
  }
}

function choicesOf(question: SurveyQuestion): { value: string; label: string }[] {
  switch (question.type) {
    case 'single':
      return question.options.map((o) => ({ value: o.id, label: o.label }))
    case 'rating':
      return range(RATING_MIN, RATING_MAX).map((n) => ({ value: String(n), label: `${n}` }))
    case 'nps':
      return range(NPS_MIN, NPS_MAX).map((n) => ({ value: String(n), label: `${n}` }))
    default:
      return []
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** One quick reply per choice, a skip for optional questions, and 中断: at most 13. */
function quickReplyCount(question: SurveyQuestion): number {
  return choicesOf(question).length + (question.required ? 0 : 1) + 1
}

/** A question chat asks with quick replies: single choice, rating or NPS within 13 buttons. */
function askable(question: SurveyQuestion): boolean {
  return (
    (question.type === 'single' || question.type === 'rating' || question.type === 'nps') &&
    quickReplyCount(question) <= MAX_QUICK_REPLIES
  )
}

/**
 * Whether chat takes this version: 1–5 questions it can ask with quick replies. Any others (free
 * text, multiple choice, dates) are handed to the mini-app when the member reaches them — the
 * answers so far are in the shared draft —, or skipped there when optional.
 */
export function chatCanAsk(questions: readonly SurveyQuestion[]): boolean {
  const asked = questions.filter(askable).length
  return asked > 0 && asked <= CHAT_MAX_QUESTIONS
}

/** The first question not yet asked and answered (a skipped optional one is stored as null). */
function nextQuestion(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): SurveyQuestion | null {
  return questions.find((q) => !(q.id in answers)) ?? null
}

export function askMessage(
  survey: StoredSurvey,
  version: StoredSurveyVersion,
  question: SurveyQuestion,
  locale: Locale,
): LineMessage {
  const t = TEXT[locale]
  const index = version.questions.findIndex((q) => q.id === question.id) + 1
  const lines = [`Q${index}/${version.questions.length} ${question.label}`]
  if (question.description) lines.push(question.description)
  if (question.type === 'nps' || question.type === 'rating') {
    // The same end labels as the mini-app's scale (one source in @joren/shared).
    const { low, high } = surveyScaleLabels(question, locale)
    lines.push(question.type === 'nps' ? t.npsScale(low, high) : t.ratingScale(low, high))
  }
  const base = `s=${survey.id}&v=${version.id}&q=${encodeURIComponent(question.id)}`
  const items = choicesOf(question).map((c) =>
    postbackItem(c.label, `action=survey_answer&${base}&a=${encodeURIComponent(c.value)}`),
  )
  if (!question.required) items.push(postbackItem(t.skip, `action=survey_answer&${base}&a=${SKIP}`))
  items.push(postbackItem(t.stop, `action=survey_stop&s=${survey.id}`))
  return text(lines.join('\n'), items)
}

/**
 * A question chat cannot ask: an optional one offers the mini-app or 「スキップ」, a required one
 * hands the rest of the survey to the mini-app (the answers so far are in the draft).
 */
function handOffMessage(
  survey: StoredSurvey,
  version: StoredSurveyVersion,
  question: SurveyQuestion,
  links: AppLinks,
  locale: Locale,
): LineMessage {
  const t = TEXT[locale]
  const index = version.questions.findIndex((q) => q.id === question.id) + 1
  const label = `Q${index}/${version.questions.length} ${question.label}`
  if (question.required) {
    const body = `${label}\n${t.continueInLiff}`
    return {
      type: 'template',
      altText: chars(body, 400),
      template: {
        type: 'buttons',
        text: chars(body, 160),
        actions: [surveyLinkAction(links, survey.id, t.liffLabel)],
      },
    }
  }
  const base = `s=${survey.id}&v=${version.id}&q=${encodeURIComponent(question.id)}`
  return text(`${label}\n${t.optionalInLiff}`, [
    { type: 'action', action: surveyLinkAction(links, survey.id, t.writeInLiff) },
    postbackItem(t.skip, `action=survey_answer&${base}&a=${SKIP}`),
    postbackItem(t.stop, `action=survey_stop&s=${survey.id}`),
  ])
}

function liffHandOff(survey: StoredSurvey, links: AppLinks, locale: Locale): LineMessage {
  const t = TEXT[locale]
  return {
    type: 'template',
    altText: chars(t.liff(survey.title), 400),
    template: {
      type: 'buttons',
      text: chars(t.liff(survey.title), 160),
      actions: [surveyLinkAction(links, survey.id, t.liffLabel)],
    },
  }
}

/** The polite reply for a survey the member can no longer answer. */
function unavailable(error: unknown, locale: Locale): Replies {
  const t = TEXT[locale]
  if (error instanceof SurveyAlreadyAnswered) return [text(t.answered)]
  if (error instanceof SurveyNotOpen || error instanceof SurveyNotFound) return [text(t.notOpen)]
  throw error
}

/** 「アンケート」 and the survey postbacks. */
export function registerSurveyChat(router: ChatRouter, deps: SurveyChatDeps): ChatRouter {
  const { survey: surveyDeps, links } = deps
  const sessions = surveyDeps.sessions
  const ask = (
    survey: StoredSurvey,
    version: StoredSurveyVersion,
    question: SurveyQuestion,
    locale: Locale,
  ): LineMessage =>
    askable(question)
      ? askMessage(survey, version, question, locale)
      : handOffMessage(survey, version, question, links, locale)

  async function open(ctx: ChatContext, surveyId: number) {
    return openSurveyFor(surveyDeps, surveyId, { id: ctx.member.id })
  }

  /** Starts (or, with earlier answers of the same version, continues) a survey in chat. */
  async function start(ctx: ChatContext, surveyId: number, fresh: boolean): Promise<Replies> {
    const locale = localeOf(ctx.member.language)
    let opened
    try {
      opened = await open(ctx, surveyId)
    } catch (error) {
      return unavailable(error, locale)
    }
    const { survey, version } = opened
    if (!chatCanAsk(version.questions)) return [liffHandOff(survey, links, locale)]
    const existing = fresh ? null : await sessions.get(survey.id, ctx.member.id)
    const answers = existing?.versionId === version.id ? keepValid(version, existing.answers) : {}
    const session: SurveySession = {
      surveyId: survey.id,
      memberId: ctx.member.id,
      versionId: version.id,
      channel: 'chat',
      answers,
      state: 'active',
      updatedAt: ctx.now,
    }
    await sessions.save(session)
    const question = nextQuestion(version.questions, answers)
    if (!question) return complete(ctx, survey, version, answers)
    return [
      ...introReplies(survey, version, answers, locale),
      ask(survey, version, question, locale),
    ]
  }

  async function complete(
    ctx: ChatContext,
    survey: StoredSurvey,
    version: StoredSurveyVersion,
    answers: SurveyAnswers,
  ): Promise<Replies> {
    const locale = localeOf(ctx.member.language)
    const t = TEXT[locale]
    const submitted = submittedAnswers(version, answers)
    let result
    try {
      result = await submitSurveyResponse(surveyDeps, {
        surveyId: survey.id,
        member: { id: ctx.member.id },
        answers: submitted,
        channel: 'chat',
      })
    } catch (error) {
      if (error instanceof SurveyAlreadyAnswered || error instanceof SurveyNotOpen) {
        await sessions.delete(survey.id, ctx.member.id)
      }
      if (error instanceof DomainError && error.status === 400) {
        // The version changed under the member: start again on the current one.
        return [text(t.updated), ...(await start(ctx, survey.id, true))]
      }
      return unavailable(error, locale)
    }
    return thanksReplies(survey, result, links, locale)
  }

  const command = async (ctx: ChatContext): Promise<Replies> => {
    const locale = localeOf(ctx.member.language)
    const t = TEXT[locale]
    const offer = await resumeOffer(surveyDeps, ctx, locale)
    if (offer) return offer
    const candidates = await answerableSurveys(surveyDeps, ctx)
    const [only] = candidates
    if (!only) return [text(t.none)]
    if (candidates.length === 1) return start(ctx, only.id, false)
    return [
      text(
        t.pick,
        candidates
          .slice(0, MAX_QUICK_REPLIES)
          .map((s) => postbackItem(s.title, `action=survey_start&s=${s.id}`, s.title)),
      ),
    ]
  }

  const surveyIdOf = (params: URLSearchParams) => Number(params.get('s'))

  return router
    .command({
      name: 'survey',
      matches: (t) => ['アンケート', 'あんけーと', 'survey', 'questionnaire'].includes(t),
      handle: command,
    })
    .postback('survey', command)
    .postback('survey_start', (ctx, params) =>
      start(ctx, surveyIdOf(params), params.get('fresh') === '1'),
    )
    .postback('survey_resume', (ctx, params) => start(ctx, surveyIdOf(params), false))
    .postback('survey_stop', async (ctx, params) => {
      const session = await sessions.get(surveyIdOf(params), ctx.member.id)
      if (session && session.channel === 'chat')
        await sessions.save({ ...session, state: 'paused', updatedAt: ctx.now })
      return [text(TEXT[localeOf(ctx.member.language)].stopped)]
    })
    .describe('survey_answer', (ctx, params) => describeAnswer(surveyDeps, ctx, params))
    .postback('survey_answer', async (ctx, params) => {
      const locale = localeOf(ctx.member.language)
      const t = TEXT[locale]
      const surveyId = surveyIdOf(params)
      let opened
      try {
        opened = await open(ctx, surveyId)
      } catch (error) {
        return unavailable(error, locale)
      }
      const { survey, version } = opened
      const session = await sessions.get(survey.id, ctx.member.id)
      if (!session || session.versionId !== version.id) {
        // Never started in chat, or started on an older version: ask from the current state.
        const started = await start(ctx, survey.id, false)
        return Number(params.get('v')) === version.id ? started : [text(t.updated), ...started]
      }
      const answers = keepValid(version, session.answers)
      const current = nextQuestion(version.questions, answers)
      if (Number(params.get('v')) !== version.id) {
        return [text(t.updated), ...(current ? [ask(survey, version, current, locale)] : [])]
      }
      if (!current) return complete(ctx, survey, version, answers)
      const questionId = params.get('q') ?? ''
      if (questionId !== current.id) {
        const alreadyAnswered = questionId in answers
        return [
          text(alreadyAnswered ? t.alreadyAnswered : t.updated),
          ask(survey, version, current, locale),
        ]
      }
      const raw = params.get('a') ?? ''
      // A question chat hands to the mini-app can only be skipped from chat.
      const value = askable(current) || raw === SKIP ? answerValue(current, raw) : undefined
      if (value === undefined) return [text(t.invalid), ask(survey, version, current, locale)]
      return record(ctx, { survey, version, session, answers }, current, value)
    })
    .fallback({
      // Typed instead of tapped during a chat survey: 「4」 or 「ランチ」 answers the current question.
      // Anything else goes on to keyword rules, the FAQ and staff as usual.
      name: 'survey-typed-answer',
      async handle(ctx, typed) {
        const state = await activeChatSurvey(surveyDeps, ctx)
        if (!state) return null
        const { version, answers } = state
        const current = nextQuestion(version.questions, answers)
        const value = current && askable(current) ? typedValue(current, typed) : undefined
        if (!current || value === undefined) return null
        return record(ctx, state, current, value)
      },
    })

  /** Stores one answer and asks the next question, or submits after the last. */
  async function record(
    ctx: ChatContext,
    state: {
      survey: StoredSurvey
      version: StoredSurveyVersion
      session: SurveySession
      answers: SurveyAnswers
    },
    question: SurveyQuestion,
    value: string | number | null,
  ): Promise<Replies> {
    const { survey, version, session } = state
    const next = { ...state.answers, [question.id]: value }
    await sessions.save({
      ...session,
      answers: next,
      state: 'active',
      channel: 'chat',
      updatedAt: ctx.now,
    })
    const following = nextQuestion(version.questions, next)
    if (!following) return complete(ctx, survey, version, next)
    return [ask(survey, version, following, localeOf(ctx.member.language))]
  }
}

/** A survey the member left part-way in chat: the offer to continue, restart or stop it. */
async function resumeOffer(
  surveyDeps: SurveyDeps,
  ctx: ChatContext,
  locale: Locale,
): Promise<Replies | null> {
  const t = TEXT[locale]
  for (const session of await surveyDeps.sessions.listForMember(ctx.member.id)) {
    if (session.channel !== 'chat') continue
    let opened
    try {
      opened = await openSurveyFor(surveyDeps, session.surveyId, { id: ctx.member.id })
    } catch {
      continue
    }
    const { survey, version } = opened
    if (session.versionId !== version.id || !chatCanAsk(version.questions)) continue
    const done = Object.keys(keepValid(version, session.answers)).length
    return [
      text(t.resumeAsk(survey.title, done, version.questions.length), [
        postbackItem(t.resume, `action=survey_resume&s=${survey.id}`),
        postbackItem(t.restart, `action=survey_start&s=${survey.id}&fresh=1`),
        postbackItem(t.stop, `action=survey_stop&s=${survey.id}`),
      ]),
    ]
  }
  return null
}

/** The open surveys this member can still answer. */
async function answerableSurveys(
  surveyDeps: SurveyDeps,
  ctx: ChatContext,
): Promise<StoredSurvey[]> {
  const candidates: StoredSurvey[] = []
  for (const { survey } of await surveyDeps.surveys.listOpen(ctx.now)) {
    try {
      await openSurveyFor(surveyDeps, survey.id, { id: ctx.member.id })
      candidates.push(survey)
    } catch {
      // answered already (or not open for this member): not offered
    }
  }
  return candidates
}

/** The answers to submit: skipped (null) and unanswered questions left out. */
function submittedAnswers(version: StoredSurveyVersion, answers: SurveyAnswers): SurveyAnswers {
  const submitted: SurveyAnswers = {}
  for (const q of version.questions) {
    const value = answers[q.id]
    if (value !== undefined && value !== null) submitted[q.id] = value
  }
  return submitted
}

/** Thanks after a submitted response, with its reward coupon (or why there is none). */
function thanksReplies(
  survey: StoredSurvey,
  result: Awaited<ReturnType<typeof submitSurveyResponse>>,
  links: AppLinks,
  locale: Locale,
): Replies {
  const t = TEXT[locale]
  const replies: LineMessage[] = [text(t.thanks(survey.title))]
  if (result.reward) {
    const { memberId: _member, ...view } = result.reward
    replies.push(text(t.reward), couponCard(view, links, locale))
  } else if (result.rewardUnavailable) {
    replies.push(text(t.rewardUnavailable))
  }
  return replies
}

/** The survey's introduction, only before its first answer. */
function introReplies(
  survey: StoredSurvey,
  version: StoredSurveyVersion,
  answers: SurveyAnswers,
  locale: Locale,
): LineMessage[] {
  return Object.keys(answers).length === 0
    ? [
        text(
          [TEXT[locale].intro(survey.title, version.questions.length), version.intro]
            .filter(Boolean)
            .join('\n'),
        ),
      ]
    : []
}

/** The inbox shows the choice the customer tapped (「満足」), not the postback data. */
async function describeAnswer(
  surveyDeps: SurveyDeps,
  ctx: ChatContext,
  params: URLSearchParams,
): Promise<string | null> {
  const raw = params.get('a') ?? ''
  if (raw === SKIP) return TEXT[localeOf(ctx.member.language)].skip
  const version = await surveyDeps.surveys.version(Number(params.get('v')))
  const question = version?.questions.find((q) => q.id === params.get('q'))
  return (question && choicesOf(question).find((c) => c.value === raw)?.label) ?? null
}

/** The survey the member is answering in chat right now, on its current version, or null. */
async function activeChatSurvey(
  surveyDeps: SurveyDeps,
  ctx: ChatContext,
): Promise<{
  survey: StoredSurvey
  version: StoredSurveyVersion
  session: SurveySession
  answers: SurveyAnswers
} | null> {
  const active = (await surveyDeps.sessions.listForMember(ctx.member.id)).find(
    (s) => s.channel === 'chat' && s.state === 'active',
  )
  if (!active) return null
  let opened
  try {
    opened = await openSurveyFor(surveyDeps, active.surveyId, { id: ctx.member.id })
  } catch {
    return null
  }
  const { survey, version } = opened
  if (active.versionId !== version.id) return null
  return { survey, version, session: active, answers: keepValid(version, active.answers) }
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '')

/** A typed answer: a number for rating / NPS, an option's label for single choice. */
function typedValue(question: SurveyQuestion, typed: string): string | number | undefined {
  const folded = fold(typed)
  if (question.type === 'single') return question.options.find((o) => fold(o.label) === folded)?.id
  if (!/^\d{1,2}$/.test(folded)) return undefined
  const value = Number(folded)
  return validateSurveyAnswer(question, value, { requireAll: true }) === null ? value : undefined
}

/** A postback's value for the question, or undefined when it is not a valid answer. */
function answerValue(question: SurveyQuestion, raw: string): string | number | null | undefined {
  if (raw === SKIP) return question.required ? undefined : null
  const value = question.type === 'single' ? raw : Number(raw)
  if (typeof value === 'number' && !Number.isInteger(value)) return undefined
  return validateSurveyAnswer(question, value, { requireAll: true }) === null ? value : undefined
}

/** Saved answers still valid for this version (a mini-app draft may hold more or other ones). */
function keepValid(version: StoredSurveyVersion, answers: SurveyAnswers): SurveyAnswers {
  const kept: SurveyAnswers = {}
  for (const q of version.questions) {
    const value = answers[q.id]
    if (value === null && !q.required) kept[q.id] = null
    else if (
      value !== undefined &&
      isAnswered(value) &&
      validateSurveyAnswer(q, value, { requireAll: true }) === null
    )
      kept[q.id] = value
  }
  return kept
}
