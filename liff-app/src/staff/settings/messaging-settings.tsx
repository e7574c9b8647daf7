import {
  MessagingSettingsSchema,
  type MarketingDefault,
  type MessagingSettings,
  type ReceiptMode,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { staffMessagingEn } from '../../i18n/staff-messaging-en.ts'
import { staffMessagingJa, type StaffMessagingMessages } from '../../i18n/staff-messaging-ja.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'

export const messagingText = (): StaffMessagingMessages =>
  locale() === 'en' ? staffMessagingEn : staffMessagingJa

/**
 * 「メッセージ配信」 in the settings: who marketing messages go to by default, and each automatic
 * push's switch with what it costs against the LINE plan's monthly messages.
 */
export function MessagingSettingsCard() {
  const { api } = useStaff()
  const settings = useResource(
    (signal) => api.get<MessagingSettings>('/api/staff/settings/messaging', { signal }),
    'messaging-settings',
  )
  if (settings.error && !settings.data)
    return <ErrorPanel error={settings.error} onRetry={settings.reload} />
  if (!settings.data) return <span class="skel" style="height:200px" />
  return <MessagingForm initial={settings.data} onSaved={settings.set} />
}

function MessagingForm(props: { initial: MessagingSettings; onSaved(s: MessagingSettings): void }) {
  const { api, can, toast } = useStaff()
  const m = messagingText()
  const editable = can('settings.write')
  const [form, setForm] = useState(props.initial)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    setBusy(true)
    try {
      const saved = await api.send<MessagingSettings>(
        'PUT',
        '/api/staff/settings/messaging',
        MessagingSettingsSchema.parse(form),
      )
      props.onSaved(saved)
      setForm(saved)
      toast(m.saved)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const cost = (id: string, text: string) => (
    <p class="field-hint" id={id} data-testid={id}>
      {text}
    </p>
  )

  return (
    <form class="card stack" onSubmit={(e) => void submit(e)} data-testid="messaging-settings">
      <h2 class="section-title">{m.title}</h2>
      <p class="field-hint">{m.intro}</p>
      {!editable && <p class="muted">{m.readOnly}</p>}
      <fieldset class="stack plain-fieldset" disabled={!editable}>
        <legend class="field-label">{m.who}</legend>
        {(['everyone', 'opt_in'] as MarketingDefault[]).map((value) => (
          <label class="check-line" key={value}>
            <input
              type="radio"
              name="marketing-default"
              value={value}
              checked={form.marketingDefault === value}
              onChange={() => setForm({ ...form, marketingDefault: value })}
            />
            {m.whoOptions[value]}
          </label>
        ))}
        <p class="field-hint">{m.whoHelp[form.marketingDefault]}</p>
      </fieldset>
      <fieldset class="stack plain-fieldset" disabled={!editable}>
        <legend class="field-label">{m.automatic}</legend>
        <label class="field-label" for="receipt-mode">
          {m.receipt}
        </label>
        <select
          id="receipt-mode"
          class="input"
          value={form.receipt}
          aria-describedby="cost-receipt"
          onChange={(e) => setForm({ ...form, receipt: e.currentTarget.value as ReceiptMode })}
        >
          {(['off', 'on', 'changed'] as ReceiptMode[]).map((value) => (
            <option value={value} key={value}>
              {m.receiptOptions[value]}
            </option>
          ))}
        </select>
        {cost('cost-receipt', m.receiptCost)}
        <p class="field-hint">{m.receiptHelp}</p>
        <label class="check-line">
          <input
            type="checkbox"
            checked={form.tierUp}
            aria-describedby="cost-tier-up"
            onChange={(e) => setForm({ ...form, tierUp: e.currentTarget.checked })}
          />
          {m.tierUp}
        </label>
        {cost('cost-tier-up', m.tierUpCost)}
        <label class="check-line">
          <input
            type="checkbox"
            checked={form.stampReward}
            aria-describedby="cost-stamp-reward"
            onChange={(e) => setForm({ ...form, stampReward: e.currentTarget.checked })}
          />
          {m.stampReward}
        </label>
        {cost('cost-stamp-reward', m.stampRewardCost)}
        <p class="field-hint">{m.referralNote}</p>
        <p class="field-hint">{m.replyNote}</p>
      </fieldset>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {editable && (
        <div class="form-actions">
          <button class="btn" type="submit" disabled={busy}>
            {busy ? m.saving : m.save}
          </button>
        </div>
      )}
    </form>
  )
}
