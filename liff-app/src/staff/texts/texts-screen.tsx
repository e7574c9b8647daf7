import {
  SHOP_TEXT_LABELS,
  SHOP_TEXT_PLACEHOLDER_LABELS,
  type BusinessHours,
  type DayHours,
  type ShopTextEntry,
  type ShopTextLocale,
  type ShopTextPlaceholder,
  type ShopTextPreview,
  type ShopTexts,
  type SpecialDay,
} from '@joren/shared'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { TEXT_ORDER, textsText } from './messages.ts'
import './texts.css'

/**
 * Settings → メッセージ文面・営業時間 (owner and admin): each automatic text in Japanese and
 * English with its placeholders, a preview with a sample or a real member, save and reset; and the
 * business hours with holidays and special days.
 */
export default function TextsScreen() {
  const { api } = useStaff()
  const m = textsText()
  const data = useResource(
    (signal) => api.get<ShopTexts>('/api/staff/texts', { signal }),
    'shop-texts',
  )
  const [lang, setLang] = useState<ShopTextLocale>('ja')
  const [memberNumber, setMemberNumber] = useState('')
  return (
    <div class="stack">
      <PageHeader title={m.title} />
      <p class="field-hint">{m.intro}</p>
      {data.error && !data.data && <ErrorPanel error={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <span class="skel" style="height:240px" />}
      {data.data && (
        <>
          <div class="card stack">
            <fieldset class="plain-fieldset texts-lang">
              <legend class="field-label">{m.language}</legend>
              {(['ja', 'en'] as const).map((value) => (
                <label class="check-line" key={value}>
                  <input
                    type="radio"
                    name="texts-lang"
                    value={value}
                    checked={lang === value}
                    onChange={() => setLang(value)}
                  />
                  {m.languages[value]}
                </label>
              ))}
            </fieldset>
            <label class="field-label" for="preview-member">
              {m.previewMember}
            </label>
            <input
              id="preview-member"
              class="input mono"
              inputMode="numeric"
              maxLength={10}
              value={memberNumber}
              onInput={(e) => setMemberNumber(e.currentTarget.value.trim())}
            />
          </div>
          {TEXT_ORDER.map((key) => {
            const entry = data.data?.texts.find((t) => t.key === key && t.locale === lang)
            return entry ? (
              <TextCard
                key={`${key}:${lang}`}
                entry={entry}
                memberNumber={memberNumber}
                onSaved={(saved) =>
                  data.set({
                    ...data.data!,
                    texts: data.data!.texts.map((t) =>
                      t.key === saved.key && t.locale === saved.locale ? saved : t,
                    ),
                  })
                }
              />
            ) : null
          })}
          <HoursCard
            initial={data.data.hours}
            openNow={data.data.openNow}
            timeZone={data.data.timeZone}
            onSaved={(hours) => data.set({ ...data.data!, hours })}
          />
        </>
      )}
    </div>
  )
}

function TextCard(props: {
  entry: ShopTextEntry
  memberNumber: string
  onSaved(entry: ShopTextEntry): void
}) {
  const { api, toast } = useStaff()
  const m = textsText()
  const { entry } = props
  const [body, setBody] = useState(entry.body)
  const [preview, setPreview] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const id = `text-${entry.key}`
  const labels = SHOP_TEXT_LABELS[entry.key]

  const run = async (action: () => Promise<void>) => {
    setError(null)
    setBusy(true)
    try {
      await action()
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure))
    } finally {
      setBusy(false)
    }
  }
  const doPreview = () =>
    run(async () => {
      const result = await api.send<ShopTextPreview>('POST', '/api/staff/texts/preview', {
        key: entry.key,
        locale: entry.locale,
        body,
        ...(props.memberNumber ? { memberNumber: props.memberNumber } : {}),
      })
      setPreview(result.text)
    })
  const save = () =>
    run(async () => {
      const saved = await api.send<ShopTextEntry>('PUT', '/api/staff/texts', {
        key: entry.key,
        locale: entry.locale,
        body,
      })
      props.onSaved(saved)
      setBody(saved.body)
      toast(m.saved)
    })
  const reset = () =>
    run(async () => {
      const saved = await api.send<ShopTextEntry>('POST', '/api/staff/texts/reset', {
        key: entry.key,
        locale: entry.locale,
      })
      props.onSaved(saved)
      setBody(saved.body)
      setPreview(null)
      toast(m.resetDone)
    })

  return (
    <section class="card stack" data-testid={id} aria-labelledby={`${id}-title`}>
      <div class="texts-head">
        <h2 class="section-title" id={`${id}-title`}>
          {labels.title}
        </h2>
        <span class={entry.custom ? 'badge badge-green' : 'badge'}>
          {entry.custom ? m.custom : m.builtIn}
        </span>
      </div>
      <p class="field-hint">{labels.when}</p>
      <textarea
        id={`${id}-body`}
        class="input texts-body"
        rows={4}
        maxLength={1000}
        aria-label={labels.title}
        aria-describedby={`${id}-placeholders${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
        value={body}
        onInput={(e) => {
          setBody(e.currentTarget.value)
          setError(null)
        }}
      />
      <p class="field-hint" id={`${id}-placeholders`}>
        {m.placeholders}:{' '}
        {entry.placeholders.map((p) => (
          <span
            class="texts-chip"
            key={p}
            title={SHOP_TEXT_PLACEHOLDER_LABELS[p as ShopTextPlaceholder]}
          >
            {`{${p}}`} {SHOP_TEXT_PLACEHOLDER_LABELS[p as ShopTextPlaceholder]}
          </span>
        ))}
      </p>
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      {preview !== null && (
        <div class="texts-preview" aria-live="polite" data-testid={`${id}-preview`}>
          <span class="field-hint">{m.previewTitle}</span>
          <p class="texts-bubble">{preview}</p>
        </div>
      )}
      <div class="texts-actions">
        <button
          class="btn btn-secondary"
          type="button"
          disabled={busy}
          onClick={() => void doPreview()}
        >
          {m.preview}
        </button>
        <button class="btn" type="button" disabled={busy} onClick={() => void save()}>
          {m.save}
        </button>
        {entry.custom && (
          <button
            class="btn btn-secondary"
            type="button"
            disabled={busy}
            onClick={() => void reset()}
          >
            {m.reset}
          </button>
        )}
      </div>
    </section>
  )
}

const OPEN_DEFAULT = { open: '10:00', close: '19:00' }

function HoursCard(props: {
  initial: BusinessHours
  openNow: boolean
  timeZone: string
  onSaved(hours: BusinessHours): void
}) {
  const { api, toast } = useStaff()
  const m = textsText()
  const [days, setDays] = useState<DayHours[]>(props.initial.days)
  const [holidays, setHolidays] = useState<string[]>(props.initial.holidays ?? [])
  const [special, setSpecial] = useState<SpecialDay[]>(props.initial.specialDays ?? [])
  const [newHoliday, setNewHoliday] = useState('')
  const [newSpecial, setNewSpecial] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const setDay = (index: number, day: DayHours) =>
    setDays((list) => list.map((d, i) => (i === index ? day : d)))
  const save = async () => {
    setError(null)
    setBusy(true)
    try {
      const saved = await api.send<BusinessHours>('PUT', '/api/staff/texts/hours', {
        days,
        holidays,
        specialDays: special,
      })
      props.onSaved(saved)
      toast(m.hoursSaved)
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure))
    } finally {
      setBusy(false)
    }
  }

  const timeInputs = (day: DayHours, set: (d: DayHours) => void, label: string) =>
    day ? (
      <>
        <input
          type="time"
          class="input texts-time"
          aria-label={`${label} ${m.open}`}
          value={day.open}
          onInput={(e) => set({ ...day, open: e.currentTarget.value })}
        />
        <span aria-hidden="true">–</span>
        <input
          type="time"
          class="input texts-time"
          aria-label={`${label} ${m.close}`}
          value={day.close === '24:00' ? '23:59' : day.close}
          onInput={(e) => set({ ...day, close: e.currentTarget.value })}
        />
      </>
    ) : null

  return (
    <section class="card stack" data-testid="business-hours" aria-labelledby="hours-title">
      <h2 class="section-title" id="hours-title">
        {m.hours}
      </h2>
      <p class="field-hint">{m.hoursIntro}</p>
      <p class={props.openNow ? 'badge badge-green self-start' : 'badge self-start'}>
        {props.openNow ? m.openNow(props.timeZone) : m.closedNow(props.timeZone)}
      </p>
      <ul class="texts-days">
        {[1, 2, 3, 4, 5, 6, 0].map((index) => {
          const day = days[index] ?? null
          const label = m.weekdays[index] ?? ''
          return (
            <li class="texts-day" key={index}>
              <span class="texts-day-name">{label}</span>
              <label class="check-line">
                <input
                  type="checkbox"
                  checked={day === null}
                  onChange={(e) => setDay(index, e.currentTarget.checked ? null : OPEN_DEFAULT)}
                />
                {m.closed}
              </label>
              {timeInputs(day, (d) => setDay(index, d), label)}
            </li>
          )
        })}
      </ul>
      <h3 class="field-label">{m.holidays}</h3>
      <ul class="texts-dates">
        {holidays.map((date) => (
          <li key={date} class="texts-day">
            <span class="mono">{date}</span>
            <button
              class="btn btn-secondary"
              type="button"
              onClick={() => setHolidays((list) => list.filter((d) => d !== date))}
            >
              {m.remove}
            </button>
          </li>
        ))}
      </ul>
      <div class="texts-day">
        <input
          type="date"
          class="input"
          aria-label={`${m.holidays} ${m.date}`}
          value={newHoliday}
          onInput={(e) => setNewHoliday(e.currentTarget.value)}
        />
        <button
          class="btn btn-secondary"
          type="button"
          disabled={!newHoliday || holidays.includes(newHoliday)}
          onClick={() => {
            setHolidays((list) => [...list, newHoliday].sort())
            setNewHoliday('')
          }}
        >
          {m.add}
        </button>
      </div>
      <h3 class="field-label">{m.specialDays}</h3>
      <ul class="texts-dates">
        {special.map((day, i) => (
          <li key={day.date} class="texts-day">
            <span class="mono">{day.date}</span>
            <label class="check-line">
              <input
                type="checkbox"
                checked={day.hours === null}
                onChange={(e) =>
                  setSpecial((list) =>
                    list.map((d, j) =>
                      j === i ? { ...d, hours: e.currentTarget.checked ? null : OPEN_DEFAULT } : d,
                    ),
                  )
                }
              />
              {m.closed}
            </label>
            {timeInputs(
              day.hours,
              (hours) => setSpecial((list) => list.map((d, j) => (j === i ? { ...d, hours } : d))),
              day.date,
            )}
            <button
              class="btn btn-secondary"
              type="button"
              onClick={() => setSpecial((list) => list.filter((_, j) => j !== i))}
            >
              {m.remove}
            </button>
          </li>
        ))}
      </ul>
      <div class="texts-day">
        <input
          type="date"
          class="input"
          aria-label={`${m.specialDays} ${m.date}`}
          value={newSpecial}
          onInput={(e) => setNewSpecial(e.currentTarget.value)}
        />
        <button
          class="btn btn-secondary"
          type="button"
          disabled={!newSpecial || special.some((d) => d.date === newSpecial)}
          onClick={() => {
            setSpecial((list) =>
              [...list, { date: newSpecial, hours: OPEN_DEFAULT }].sort((a, b) =>
                a.date.localeCompare(b.date),
              ),
            )
            setNewSpecial('')
          }}
        >
          {m.add}
        </button>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button class="btn" type="button" disabled={busy} onClick={() => void save()}>
          {m.saveHours}
        </button>
      </div>
    </section>
  )
}
