import {
  type MemberPrivacy,
  GENDERS,
  PREFECTURES,
  ProfileUpdateSchema,
  type MarketingChoice,
  type Profile,
  type ProfileUpdate,
} from '@joren/shared'
import type { JSX } from 'preact'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { fieldErrors, type FieldErrors } from '../../lib/field-errors.ts'
import { todayInShop } from '../../lib/format.ts'
import { ErrorView } from '../components/error-view.tsx'
import { profileEn } from '../../i18n/profile-en.ts'
import { profileJa } from '../../i18n/profile-ja.ts'
import { Toast } from '../../ui/toast.tsx'
import { locale } from '../messages.ts'
import type { ScreenProps } from '../screen-props.ts'
import { href } from '../paths.ts'
import { privacyText } from '../privacy/privacy-screen.tsx'

type Gender = (typeof GENDERS)[number]

interface Form {
  birthday: string
  gender: Gender | ''
  prefecture: string
  interests: string[]
}

/** Interests the shop has since removed are kept as they were (the member cannot see them). */
function toForm(profile: Profile | null): Form {
  return {
    birthday: profile?.birthday ?? '',
    gender: profile?.gender ?? '',
    prefecture: profile?.prefecture ?? '',
    interests: profile?.interests ?? [],
  }
}

/** Empty inputs mean "not answered" (null); the shared schema has the final word. */
function toUpdate(form: Form): Record<keyof ProfileUpdate, unknown> {
  return {
    birthday: form.birthday || null,
    gender: form.gender || null,
    prefecture: form.prefecture || null,
    interests: form.interests,
    // The marketing choice is its own switch (PUT /api/liff/marketing), saved at once.
    marketingConsent: undefined,
  }
}

const FIELD_ORDER = ['birthday', 'gender', 'prefecture', 'interests']

/** Birthday, gender, area, interests and marketing consent: all optional, all the member's own. */
export default function ProfileScreen({ api, me, setMe, config }: ScreenProps) {
  const m = locale() === 'en' ? profileEn : profileJa
  const [toast, setToast] = useState<string | null>(null)
  const clearToast = useCallback(() => setToast(null), [])
  const [form, setForm] = useState(() => toForm(me.profile))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  const update = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }))
  }
  const messageFor = (field: string) => (field === 'birthday' ? m.invalidBirthday : m.invalidField)
  // Registration records the member's agreement to the current privacy policy and terms.
  const [privacy, setPrivacy] = useState<MemberPrivacy | null>(null)
  const [agree, setAgree] = useState(false)
  const [agreeError, setAgreeError] = useState(false)
  useEffect(() => {
    const controller = new AbortController()
    api.get<MemberPrivacy>('/api/liff/privacy', { signal: controller.signal }).then(
      (loaded) => !controller.signal.aborted && setPrivacy(loaded),
      () => undefined,
    )
    return () => controller.abort()
  }, [api])
  const needsAgreement = privacy !== null && privacy.agreedVersion === null
  const registering = me.profile === null

  const showErrors = (found: FieldErrors) => {
    setErrors(found)
    const first = FIELD_ORDER.find((field) => found[field])
    formRef.current?.querySelector<HTMLElement>(`[data-field="${first ?? ''}"]`)?.focus()
  }

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (saving) return
    setFormError(null)
    const parsed = ProfileUpdateSchema.safeParse(toUpdate(form))
    if (!parsed.success) {
      showErrors(fieldErrors(parsed.error.issues, locale(), messageFor))
      return
    }
    if (needsAgreement && registering && !agree) {
      setAgreeError(true)
      formRef.current?.querySelector<HTMLElement>('[data-field="agree"]')?.focus()
      return
    }
    setSaving(true)
    try {
      if (needsAgreement && agree && privacy)
        setPrivacy(
          await api.send<MemberPrivacy>('POST', '/api/liff/privacy/agree', {
            version: privacy.version,
          }),
        )
      const saved = await api.send<Profile | undefined>('PUT', '/api/liff/profile', parsed.data)
      const profile: Profile = saved?.updatedAt
        ? saved
        : {
            ...parsed.data,
            marketingConsent: me.profile?.marketingConsent ?? true,
            marketingChoice: me.profile?.marketingChoice ?? null,
            updatedAt: Date.now(),
          }
      setMe({ ...me, profile })
      setErrors({})
      setToast(m.saved)
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.details.length > 0) {
        showErrors(fieldErrors(error.details, locale(), messageFor))
      } else {
        setFormError(error)
      }
    } finally {
      setSaving(false)
    }
  }

  const hasErrors = Object.values(errors).some(Boolean)

  return (
    <form class="page profile" ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
      <h1 class="sr-only">{m.title}</h1>
      <p class="muted">{m.intro}</p>
      {hasErrors && (
        <p class="form-alert" role="alert">
          {m.fix}
        </p>
      )}

      <div class="panel">
        <label class="field-label" for="birthday">
          {m.birthday}
        </label>
        <p class="field-hint" id="birthday-hint">
          {m.birthdayHint}
        </p>
        <input
          id="birthday"
          data-field="birthday"
          class="input"
          type="date"
          min="1900-01-01"
          max={todayInShop()}
          value={form.birthday}
          aria-invalid={errors.birthday ? true : undefined}
          aria-describedby={errors.birthday ? 'birthday-hint birthday-error' : 'birthday-hint'}
          onInput={(e) => update('birthday', e.currentTarget.value)}
        />
        <FieldError id="birthday-error" message={errors.birthday} />
      </div>

      <GenderField
        value={form.gender}
        error={errors.gender}
        onChange={(gender) => update('gender', gender)}
      />

      <div class="panel">
        <label class="field-label" for="prefecture">
          {m.prefecture}
        </label>
        <select
          id="prefecture"
          data-field="prefecture"
          class="input"
          value={form.prefecture}
          aria-invalid={errors.prefecture ? true : undefined}
          aria-describedby={errors.prefecture ? 'prefecture-error' : undefined}
          onChange={(e) => update('prefecture', e.currentTarget.value)}
        >
          <option value="">{m.choose}</option>
          {PREFECTURES.map(([code, ja, en]) => (
            <option key={code} value={code}>
              {locale() === 'en' ? en : ja}
            </option>
          ))}
        </select>
        <FieldError id="prefecture-error" message={errors.prefecture} />
      </div>

      <InterestsField
        categories={me.categories}
        value={form.interests}
        error={errors.interests}
        onChange={(interests) => update('interests', interests)}
      />

      <MarketingSwitch api={api} onSaved={setToast} />

      <PrivacyAgreement
        needsAgreement={needsAgreement}
        agree={agree}
        setAgree={setAgree}
        agreeError={agreeError}
        setAgreeError={setAgreeError}
      />

      {formError !== null && (
        <ErrorView
          error={formError}
          config={config}
          onRetry={() => formRef.current?.requestSubmit()}
        />
      )}

      <Toast message={toast} onDone={clearToast} />
      <div class="save-bar">
        <button class="btn btn-block btn-lg" type="submit" disabled={saving} aria-busy={saving}>
          {saving ? m.saving : m.save}
        </button>
      </div>
    </form>
  )
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null
  return (
    <p class="field-error" id={id}>
      {message}
    </p>
  )
}

/**
 * 「お知らせを受け取らない」: the member's own choice, saved the moment it is switched (not with the
 * form) and honoured by every broadcast and journey from then on; replies still come.
 */
function MarketingSwitch({
  api,
  onSaved,
}: {
  api: ScreenProps['api']
  onSaved(text: string): void
}) {
  const m = locale() === 'en' ? profileEn : profileJa
  const [state, setState] = useState<MarketingChoice | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    const controller = new AbortController()
    api.get<MarketingChoice>('/api/liff/marketing', { signal: controller.signal }).then(
      (loaded) => !controller.signal.aborted && setState(loaded),
      (failure: unknown) => !controller.signal.aborted && setError(failure),
    )
    return () => controller.abort()
  }, [api])
  const change = async (optOut: boolean) => {
    const before = state
    // Shown at once; put back if the server refuses.
    if (before) setState({ ...before, receive: !optOut, choice: optOut ? 'out' : 'in' })
    setBusy(true)
    setError(null)
    try {
      setState(await api.send<MarketingChoice>('PUT', '/api/liff/marketing', { receive: !optOut }))
      onSaved(optOut ? m.consentSavedOff : m.consentSavedOn)
    } catch (failure) {
      setState(before)
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <fieldset class="panel" data-testid="marketing-switch">
      <legend class="field-label">{m.consentTitle}</legend>
      <label class="switch-row">
        <span class="switch-text">
          <strong>{m.consent}</strong>
          <span class="field-hint" id="consent-help">
            {m.consentHelp}
          </span>
        </span>
        <input
          class="switch"
          type="checkbox"
          role="switch"
          data-field="marketingOptOut"
          aria-describedby="consent-help"
          disabled={state === null || busy}
          aria-busy={busy}
          checked={state !== null && !state.receive}
          onChange={(e) => void change(e.currentTarget.checked)}
        />
      </label>
      {error !== null && (
        <p class="form-alert" role="alert">
          {error instanceof ApiError ? error.message : m.fix}
        </p>
      )}
    </fieldset>
  )
}

/** Gender: one of the shared GENDERS, or none chosen yet. */
function GenderField({
  value,
  error,
  onChange,
}: {
  value: Gender | ''
  error: string | undefined
  onChange(gender: Gender): void
}) {
  const m = locale() === 'en' ? profileEn : profileJa
  return (
    <fieldset class="panel" aria-describedby={error ? 'gender-error' : undefined}>
      <legend class="field-label">{m.gender}</legend>
      <div class="choices choices-2">
        {GENDERS.map((gender, i) => (
          <label class="choice" key={gender}>
            <input
              type="radio"
              name="gender"
              value={gender}
              data-field={i === 0 ? 'gender' : undefined}
              checked={value === gender}
              onChange={() => onChange(gender)}
            />
            <span>{m.genders[gender]}</span>
          </label>
        ))}
      </div>
      <FieldError id="gender-error" message={error} />
    </fieldset>
  )
}

/** Interests: the shop's categories as chips. */
function InterestsField({
  categories,
  value,
  error,
  onChange,
}: {
  categories: ScreenProps['me']['categories']
  value: string[]
  error: string | undefined
  onChange(interests: string[]): void
}) {
  const m = locale() === 'en' ? profileEn : profileJa
  return (
    <fieldset class="panel" aria-describedby="interests-hint">
      <legend class="field-label">{m.interests}</legend>
      <p class="field-hint" id="interests-hint">
        {categories.length > 0 ? m.interestsHint : m.noInterests}
      </p>
      <div class="chips">
        {categories.map((category, i) => (
          <label class="chip" key={category.id}>
            <input
              type="checkbox"
              data-field={i === 0 ? 'interests' : undefined}
              checked={value.includes(category.id)}
              onChange={(e) =>
                onChange(
                  e.currentTarget.checked
                    ? [...value, category.id]
                    : value.filter((id) => id !== category.id),
                )
              }
            />
            <span>{category.label}</span>
          </label>
        ))}
      </div>
      <FieldError id="interests-error" message={error} />
    </fieldset>
  )
}

/** The privacy policy link, with the agreement box while the member has not agreed to any version. */
function PrivacyAgreement(props: {
  needsAgreement: boolean
  agree: boolean
  setAgree(agree: boolean): void
  agreeError: boolean
  setAgreeError(agreeError: boolean): void
}) {
  const { needsAgreement, agree, setAgree, agreeError, setAgreeError } = props
  const p = privacyText()
  return (
    <div class="panel" data-testid="privacy-panel">
      {needsAgreement && (
        <label class="agree-row">
          <input
            type="checkbox"
            data-field="agree"
            checked={agree}
            aria-invalid={agreeError ? true : undefined}
            aria-describedby={agreeError ? 'agree-error' : undefined}
            onChange={(e) => {
              setAgree(e.currentTarget.checked)
              setAgreeError(false)
            }}
          />
          <span>{p.agreeLabel}</span>
        </label>
      )}
      {agreeError && <FieldError id="agree-error" message={p.mustAgree} />}
      <a href={href('/privacy')}>{p.readLink}</a>
    </div>
  )
}
