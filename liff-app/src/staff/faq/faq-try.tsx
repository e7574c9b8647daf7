import { FaqTrySchema, type FaqTryResult } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { SearchIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { useStaff } from '../context.ts'
import { supportText } from '../support/support-messages.ts'
import { locale, t } from '../messages.ts'

const percent = (score: number) => `${Math.round(score * 100)}%`

/** 「試す」: type what a customer might write and see which entry would answer, and how well. */
export function FaqTry() {
  const { api } = useStaff()
  const m = supportText().faq
  const [text, setText] = useState('')
  const [invalid, setInvalid] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [result, setResult] = useState<FaqTryResult | null>(null)

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    const parsed = FaqTrySchema.safeParse({ text })
    if (!parsed.success) {
      setInvalid(locale() === 'ja' ? parsed.error.issues[0]?.message : t().errors.required)
      return
    }
    setBusy(true)
    try {
      setResult(await api.send<FaqTryResult>('POST', '/api/staff/faq/try', parsed.data))
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400) setInvalid(failure.message)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card stack" aria-labelledby="faq-try-title">
      <h2 class="section-title" id="faq-try-title">
        {m.tryTitle}
      </h2>
      <form class="inline-form" onSubmit={(e) => void submit(e)} noValidate>
        <label class="sr-only" for="faq-try-text">
          {m.tryLabel}
        </label>
        <input
          id="faq-try-text"
          class="input"
          type="text"
          maxLength={1000}
          placeholder={m.tryPlaceholder}
          value={text}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={invalid ? 'faq-try-error' : undefined}
          onInput={(e) => {
            setText(e.currentTarget.value)
            setInvalid(undefined)
          }}
        />
        <button class="btn" type="submit" disabled={busy}>
          <SearchIcon size={18} />
          {busy ? m.trying : m.tryButton}
        </button>
      </form>
      <FieldError id="faq-try-error" message={invalid} />
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      <div aria-live="polite">
        {result && (
          <div class="try-result stack" data-testid="faq-try-result">
            {result.answer ? (
              <div class="try-answer">
                <p class="try-outcome">
                  <span class="badge badge-green">{m.tryAnswer(percent(result.confidence))}</span>
                </p>
                <p>
                  <strong>{result.answer.question}</strong>
                </p>
                <p class="pre-wrap muted">{result.answer.answer}</p>
              </div>
            ) : (
              <p class="try-outcome">
                <span class="badge badge-red">{m.tryHandOver}</span>{' '}
                <span class="small muted">{m.confidence(percent(result.confidence))}</span>
              </p>
            )}
            <p class="small muted">
              {m.threshold(percent(result.threshold))}
              {' ・ '}
              {m.normalised(result.normalised)}
              {result.analyser && ` ・ ${m.analyser(result.analyser)}`}
            </p>
            {result.candidates.length > 0 && (
              <div>
                <h3 class="small muted">{m.candidates}</h3>
                <ol class="candidates">
                  {result.candidates.map((c) => (
                    <li key={`${c.entryId}:${c.question}`}>
                      <span class="grow">{c.question}</span>
                      <meter
                        min={0}
                        max={1}
                        optimum={1}
                        value={c.score}
                        aria-label={m.score(percent(c.score))}
                      />
                      <span class="mono small">{percent(c.score)}</span>
                    </li>
                  ))}
                </ol>
              </div>
            )}
          </div>
        )}
      </div>
    </section>
  )
}
