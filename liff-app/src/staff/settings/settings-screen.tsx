import { ShopSettingsSchema, type Category, type ShopSettings } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError } from '../../lib/api-error.ts'
import { fieldErrors, type FieldErrors } from '../../lib/field-errors.ts'
import { useResource } from '../../lib/use-resource.ts'
import { PlusIcon, TrashIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'
import { MessagingSettingsCard } from './messaging-settings.tsx'
import { href } from '../paths.ts'
import { textsText } from '../texts/messages.ts'
import { RichMenuCard } from './rich-menu-card.tsx'
import { PrivacyDocumentsCard, ShopExportCard } from '../privacy/privacy-settings.tsx'

/** Shop name and the interest categories members choose from (owner and admin). */
export default function SettingsScreen() {
  const { api, can } = useStaff()
  const settings = useResource(
    (signal) => api.get<ShopSettings>('/api/staff/settings', { signal }),
    'settings',
  )
  const m = t().settings
  return (
    <div class="stack">
      <PageHeader title={m.title} />
      {settings.data ? (
        <SettingsForm initial={settings.data} onSaved={settings.set} />
      ) : settings.error ? (
        <ErrorPanel error={settings.error} onRetry={settings.reload} />
      ) : (
        <div class="card stack" aria-busy="true">
          <span class="skel" style="height:48px" />
          <span class="skel" style="height:160px" />
        </div>
      )}
      <a class="card texts-link" href={href('/settings/texts')} data-testid="texts-link">
        {textsText().link}
      </a>
      <MessagingSettingsCard />
      <RichMenuCard />
      <PrivacyDocumentsCard />
      {can('members.export') && <ShopExportCard />}
    </div>
  )
}

/** Issue paths such as `categories.2.id` keep their index: the message goes to that row. */
function settingsErrors(issues: Parameters<typeof fieldErrors>[0]): FieldErrors {
  const keyed = issues.map((issue) => {
    const path = typeof issue.path === 'string' ? issue.path.split('.') : issue.path.map(String)
    return { path: [path.slice(0, 3).join('.')], message: issue.message }
  })
  return fieldErrors(keyed, locale(), () => t().errors.fix)
}

function SettingsForm({
  initial,
  onSaved,
}: {
  initial: ShopSettings
  onSaved(s: ShopSettings): void
}) {
  const { api, can, toast } = useStaff()
  const m = t().settings
  const editable = can('settings.write')
  const [name, setName] = useState(initial.name)
  const [categories, setCategories] = useState<Category[]>(initial.categories)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const setCategory = (index: number, patch: Partial<Category>) => {
    setCategories((list) => list.map((c, i) => (i === index ? { ...c, ...patch } : c)))
    setErrors({})
  }

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setError(null)
    const parsed = ShopSettingsSchema.safeParse({ name, categories })
    if (!parsed.success) {
      setErrors(settingsErrors(parsed.error.issues))
      return
    }
    setBusy(true)
    try {
      const saved = await api.send<ShopSettings>('PUT', '/api/staff/settings', parsed.data)
      onSaved(saved)
      setErrors({})
      toast(t().saved)
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && failure.details.length) {
        setErrors(settingsErrors(failure.details))
      } else {
        setError(failure)
      }
    } finally {
      setBusy(false)
    }
  }

  const listError = errors.categories
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} noValidate>
      {!editable && <p class="card muted">{m.readOnly}</p>}
      <fieldset class="card stack" disabled={!editable}>
        <label class="field-label" for="shop-name">
          {m.shopName}
        </label>
        <p class="field-hint" id="shop-name-help">
          {m.shopNameHelp}
        </p>
        <input
          id="shop-name"
          class="input"
          value={name}
          maxLength={40}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? 'shop-name-help shop-name-error' : 'shop-name-help'}
          onInput={(e) => {
            setName(e.currentTarget.value)
            setErrors({})
          }}
        />
        <FieldError id="shop-name-error" message={errors.name} />
      </fieldset>
      <fieldset class="card stack" disabled={!editable}>
        <legend class="section-title">{m.categories}</legend>
        <p class="field-hint">{m.categoriesHelp}</p>
        <div class="category-head" aria-hidden="true">
          <span>{m.categoryId}</span>
          <span>{m.categoryLabel}</span>
        </div>
        <ul class="categories">
          {categories.map((category, index) => {
            const idError = errors[`categories.${index}.id`]
            const labelError = errors[`categories.${index}.label`]
            return (
              <li class="category" key={index}>
                <input
                  class="input mono"
                  aria-label={`${m.categoryId} ${index + 1}`}
                  value={category.id}
                  maxLength={32}
                  autocapitalize="off"
                  spellcheck={false}
                  aria-invalid={idError ? true : undefined}
                  onInput={(e) => setCategory(index, { id: e.currentTarget.value.trim() })}
                />
                <input
                  class="input"
                  aria-label={`${m.categoryLabel} ${index + 1}`}
                  value={category.label}
                  maxLength={30}
                  aria-invalid={labelError ? true : undefined}
                  onInput={(e) => setCategory(index, { label: e.currentTarget.value })}
                />
                <button
                  class="icon-button icon-danger"
                  type="button"
                  aria-label={m.removeCategory(category.label || category.id)}
                  onClick={() => setCategories((list) => list.filter((_, i) => i !== index))}
                >
                  <TrashIcon size={20} />
                </button>
                {(idError || labelError) && (
                  <p class="field-error category-error">{idError ?? labelError}</p>
                )}
              </li>
            )
          })}
        </ul>
        <FieldError id="categories-error" message={listError} />
        <button
          class="btn btn-secondary self-start"
          type="button"
          onClick={() => setCategories((list) => [...list, { id: '', label: '' }])}
        >
          <PlusIcon size={18} />
          {m.addCategory}
        </button>
      </fieldset>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {editable && (
        <div class="form-actions">
          <button class="btn" type="submit" disabled={busy}>
            {busy ? t().saving : t().save}
          </button>
        </div>
      )}
    </form>
  )
}
