import type { SurveyAnswerErrors } from '@joren/shared'
import { DomainError } from '../errors.ts'

export class SurveyNotFound extends DomainError {
  constructor() {
    super(404, 'survey_not_found', 'アンケートが見つかりません。')
  }
}

/** 409: a draft, closed, or outside its open / close dates. */
export class SurveyNotOpen extends DomainError {
  constructor(reason: 'draft' | 'closed' | 'not_yet' | 'ended') {
    super(
      409,
      'survey_not_open',
      reason === 'not_yet'
        ? 'このアンケートはまだ始まっていません。'
        : 'このアンケートは受付を終了しました。',
      undefined,
      { reason },
    )
  }
}

/** 409: answered already under the survey's policy (once, or once per N days). */
export class SurveyAlreadyAnswered extends DomainError {
  constructor(nextAvailableAt: number | null) {
    super(
      409,
      'survey_already_answered',
      nextAvailableAt === null
        ? 'このアンケートには回答済みです。ご協力ありがとうございました。'
        : 'このアンケートには回答済みです。次の回答期間になったら、またお答えください。',
      undefined,
      { nextAvailableAt },
    )
  }
}

/** 400 with one detail per question: `answers.<questionId>` and the message to show under it. */
export class InvalidSurveyAnswers extends DomainError {
  constructor(readonly errors: SurveyAnswerErrors) {
    const details = Object.entries(errors).map(([questionId, message]) => ({
      path: `answers.${questionId}`,
      message,
    }))
    super(
      400,
      'invalid_answers',
      details.length === 1
        ? '回答に誤りがあります。赤字の質問を確認してください。'
        : `回答に誤りが${details.length}か所あります。赤字の質問を確認してください。`,
      details,
    )
  }
}

/** 409: a staff edit the survey's state does not allow. */
export class SurveyLocked extends DomainError {
  constructor(message: string) {
    super(409, 'survey_locked', message)
  }
}

export class SurveyRewardTemplateNotFound extends DomainError {
  constructor() {
    super(400, 'invalid_request', '特典クーポンのテンプレートが見つかりません。', [
      { path: 'rewardTemplateId', message: '特典クーポンのテンプレートが見つかりません' },
    ])
  }
}
