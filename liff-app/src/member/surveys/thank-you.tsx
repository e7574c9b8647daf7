import type { MemberSurvey, SurveySubmitResult } from '@joren/shared'
import { formatDateTime } from '../../lib/format.ts'
import { CouponFace, couponMessages } from '../coupons/coupon-ui.tsx'
import { locale } from '../messages.ts'
import { href } from '../paths.ts'
import { surveyText } from './survey-text.ts'

/** After a submit: thanks, and the reward coupon (already in the member's coupon list). */
export function ThankYou({ survey, result }: { survey: MemberSurvey; result: SurveySubmitResult }) {
  const m = surveyText()
  const { reward, rewardUnavailable } = result
  return (
    <div class="page" data-testid="survey-thanks">
      <div class="notice">
        <span class="notice-icon notice-icon-green" aria-hidden="true">
          <svg width="36" height="36" viewBox="0 0 24 24">
            <path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" stroke-width="2.4" />
          </svg>
        </span>
        <h1 class="notice-title">{m.thanksTitle}</h1>
        <p class="notice-body">{m.thanksBody}</p>
        <p class="muted">{survey.title}</p>
      </div>
      {reward && (
        <section class="sv-reward" aria-labelledby="sv-reward-title">
          <h2 id="sv-reward-title" class="sv-reward-title">
            {m.rewardTitle}
          </h2>
          <a class="coupon-link" href={href(`/coupons/${reward.id}`)} data-testid="reward-coupon">
            <CouponFace
              coupon={reward}
              detail={couponMessages().until(formatDateTime(reward.expiresAt, locale()))}
            />
          </a>
          <a class="btn btn-block" href={href(`/coupons/${reward.id}`)}>
            {m.rewardLink}
          </a>
        </section>
      )}
      {rewardUnavailable && <p class="muted">{rewardUnavailable}</p>}
      <a class="btn btn-secondary btn-block" href={href('/coupons')}>
        {m.couponsLink}
      </a>
      <a class="btn btn-secondary btn-block" href={href('/')}>
        {m.backHome}
      </a>
    </div>
  )
}
