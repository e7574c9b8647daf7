import type { CouponTemplateStats } from '@joren/shared'
import { FieldError } from '../components/field-error.tsx'
import type { EditorErrors, SurveyForm } from './editor-model.ts'
import { Field, valueOf } from './editor-fields.tsx'
import { surveyText } from './survey-text.ts'

/** The survey's settings under its questions: reward, how often, when it is open, alerts. */
export function SurveySettings(props: {
  form: SurveyForm
  errors: EditorErrors
  /** The coupon templates a reward may be (active ones, and the one already chosen). */
  active: CouponTemplateStats[]
  set(patch: Partial<SurveyForm>): void
}) {
  const m = surveyText()
  const { form, errors, active, set } = props
  return (
    <>
      <fieldset class="card stack">
        <legend class="section-title">{m.reward}</legend>
        <div class="svs-field">
          <label class="field-label" for="survey-reward">
            {m.reward}
          </label>
          <select
            id="survey-reward"
            class="input"
            value={form.rewardTemplateId}
            aria-describedby="survey-reward-hint"
            onChange={(e) => set({ rewardTemplateId: valueOf(e) })}
          >
            <option value="">{m.rewardNone}</option>
            {active.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.title}
              </option>
            ))}
          </select>
          <p class="field-hint" id="survey-reward-hint">
            {m.rewardHint}
          </p>
          <FieldError id="survey-reward-error" message={errors.rewardTemplateId} />
        </div>
      </fieldset>
      <fieldset class="card stack">
        <legend class="section-title">{m.policy}</legend>
        <div class="svs-grid">
          <label class="svs-check">
            <input
              type="radio"
              name="policy"
              checked={form.policy === 'once'}
              onChange={() => set({ policy: 'once' })}
            />
            {m.policyOnce}
          </label>
          <label class="svs-check">
            <input
              type="radio"
              name="policy"
              checked={form.policy === 'every_n_days'}
              onChange={() => set({ policy: 'every_n_days' })}
            />
            {m.policyEvery}
          </label>
        </div>
        {form.policy === 'every_n_days' && (
          <Field
            id="survey-policy-days"
            label={m.policyDays}
            type="number"
            value={form.policyDays}
            error={errors['policy.days']}
            onInput={(policyDays) => set({ policyDays })}
            extra={{ min: 1, max: 3650 }}
          />
        )}
      </fieldset>
      <fieldset class="card stack">
        <legend class="section-title">{m.schedule}</legend>
        <div class="svs-pair">
          <Field
            id="survey-opens"
            label={m.opensAt}
            type="date"
            value={form.opensOn}
            error={errors.opensAt}
            onInput={(opensOn) => set({ opensOn })}
          />
          <Field
            id="survey-closes"
            label={m.closesAt}
            type="date"
            value={form.closesOn}
            error={errors.closesAt}
            onInput={(closesOn) => set({ closesOn })}
          />
        </div>
      </fieldset>
      <fieldset class="card stack">
        <legend class="section-title">{m.alerts}</legend>
        <p class="muted">{m.alertsHint}</p>
        <div class="svs-pair">
          <Field
            id="survey-alert-nps"
            label={m.alertNps}
            type="number"
            value={form.alertNps}
            error={errors['alerts.npsAtOrBelow']}
            onInput={(alertNps) => set({ alertNps })}
            extra={{ min: 0, max: 10 }}
          />
          <Field
            id="survey-alert-rating"
            label={m.alertRating}
            type="number"
            value={form.alertRating}
            error={errors['alerts.ratingAtOrBelow']}
            onInput={(alertRating) => set({ alertRating })}
            extra={{ min: 1, max: 5 }}
          />
        </div>
      </fieldset>
    </>
  )
}
