import { SHOP_TIME_ZONE } from '../../lib/format.ts'
import { FieldError } from '../components/field-error.tsx'
import type { ComposerModel } from './composer-model.ts'
import type { DraftErrors } from './draft.ts'
import { broadcastText } from './messages.ts'
import { epochToShopLocal } from './shop-time.ts'
import { TestSend } from './test-send.tsx'

/** A composer field's ID and its error's wiring (`bc-<name>`, `bc-<name>-error`). */
export const fieldPropsOf = (errors: DraftErrors) => (name: string) => ({
  id: `bc-${name}`,
  'aria-invalid': errors[name] ? true : undefined,
  'aria-describedby': `bc-${name}-error`,
})

/** The composer's third step: when it goes, the holdout, attribution and a test send. */
export function ComposerOptions({ model }: { model: ComposerModel }) {
  const m = broadcastText().composer
  const { form, set, errors, quiet, save } = model
  const fieldProps = fieldPropsOf(errors)
  return (
    <section class="card stack" aria-labelledby="bc-step-options">
      <h2 id="bc-step-options" class="bc-step">
        {m.stepOptions}
      </h2>
      <fieldset class="bc-fieldset stack-sm">
        <legend class="field-label">{m.schedule}</legend>
        <div class="bc-tabs">
          <label class="bc-tab">
            <input
              type="radio"
              name="bc-timing"
              checked={form.timing === 'now'}
              onChange={() => set('timing', 'now')}
            />
            <span>{m.sendNow}</span>
          </label>
          <label class="bc-tab">
            <input
              type="radio"
              name="bc-timing"
              checked={form.timing === 'later'}
              onChange={() => set('timing', 'later')}
            />
            <span>{m.sendLater}</span>
          </label>
        </div>
        {form.timing === 'later' && (
          <>
            <label class="field-label" for="bc-scheduledAt">
              {m.scheduleAt}
            </label>
            <input
              {...fieldProps('scheduledAt')}
              class="input"
              type="datetime-local"
              min={epochToShopLocal(Date.now(), SHOP_TIME_ZONE)}
              value={form.scheduledLocal}
              onInput={(e) => set('scheduledLocal', e.currentTarget.value)}
            />
            <FieldError id="bc-scheduledAt-error" message={errors.scheduledAt} />
          </>
        )}
        {quiet && (
          <p class="bc-warning" role="note" data-testid="quiet-hours">
            {quiet}
          </p>
        )}
      </fieldset>
      <div class="bc-two">
        <div class="stack-sm">
          <label class="field-label" for="bc-holdoutPercent">
            {m.holdout}
          </label>
          <input
            {...fieldProps('holdoutPercent')}
            class="input"
            type="number"
            inputMode="numeric"
            min={0}
            max={50}
            value={form.holdoutPercent}
            onInput={(e) => set('holdoutPercent', e.currentTarget.value)}
          />
          <FieldError id="bc-holdoutPercent-error" message={errors.holdoutPercent} />
        </div>
        <div class="stack-sm">
          <label class="field-label" for="bc-attributionDays">
            {m.attributionDays}
          </label>
          <input
            {...fieldProps('attributionDays')}
            class="input"
            type="number"
            inputMode="numeric"
            min={1}
            max={90}
            value={form.attributionDays}
            onInput={(e) => set('attributionDays', e.currentTarget.value)}
          />
          <FieldError id="bc-attributionDays-error" message={errors.attributionDays} />
        </div>
      </div>
      <p class="field-hint">{m.holdoutHelp}</p>
      <TestSend save={save} />
    </section>
  )
}
