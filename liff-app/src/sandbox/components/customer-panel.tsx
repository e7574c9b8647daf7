import type { SandboxCreateUser } from '@joren/shared'
import { useState } from 'preact/hooks'
import { useT } from '../i18n.ts'
import { friendship, type SandboxUser } from '../types.ts'

interface Props {
  users: SandboxUser[] | null
  selectedId: string | null
  onSelect(userId: string): void
  /** Resolves to an error message for the form, or null when the customer was created. */
  onCreate(input: SandboxCreateUser): Promise<string | null>
}

/** Pick the test customer to chat as, or create one (name and LINE language). */
export function CustomerPanel({ users, selectedId, onSelect, onCreate }: Props) {
  const t = useT()
  return (
    <section
      class="panel customers"
      aria-labelledby="customers-title"
      aria-busy={users === null ? 'true' : undefined}
    >
      <h2 id="customers-title">{t.customers}</h2>
      {users === null ? (
        <p class="muted">…</p>
      ) : users.length === 0 ? (
        <p class="muted">{t.noCustomers}</p>
      ) : (
        <fieldset class="customer-list">
          <legend class="sr-only">{t.pickCustomer}</legend>
          {users.map((user) => (
            <label key={user.userId} class="customer">
              <input
                type="radio"
                name="customer"
                value={user.userId}
                checked={user.userId === selectedId}
                onChange={() => onSelect(user.userId)}
              />
              <span class="customer-avatar" aria-hidden="true">
                {user.displayName.slice(0, 1)}
              </span>
              <span class="customer-name">
                {user.displayName}
                <small>
                  {t.languages[user.language ?? 'ja'] ?? user.language} ・{' '}
                  <span class={user.friend ? 'badge badge-friend' : 'badge'}>
                    {t.friendship[friendship(user)]}
                  </span>
                </small>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {/* Open while there is nobody to chat as; folded away after that, to keep the chat near. */}
      <details
        class="create-customer"
        open={users !== null && users.length === 0 ? true : undefined}
      >
        <summary>{t.create.title}</summary>
        <CreateCustomerForm onCreate={onCreate} />
      </details>
    </section>
  )
}

function CreateCustomerForm({ onCreate }: Pick<Props, 'onCreate'>) {
  const t = useT()
  const [name, setName] = useState('')
  const [language, setLanguage] = useState<'ja' | 'en'>('ja')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    if (busy) return
    setBusy(true)
    const failure = await onCreate({ displayName: name, language })
    setBusy(false)
    setError(failure)
    if (!failure) setName('')
  }

  return (
    <form
      class="create-form"
      aria-label={t.create.title}
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <div class="field">
        <label class="field-label" for="customer-name">
          {t.create.name}
        </label>
        <input
          id="customer-name"
          class="input"
          value={name}
          maxLength={20}
          autoComplete="off"
          placeholder={t.create.namePlaceholder}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'customer-name-error' : undefined}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        {error && (
          <p id="customer-name-error" class="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div class="field">
        <label class="field-label" for="customer-language">
          {t.create.language}
        </label>
        <select
          id="customer-language"
          class="input"
          value={language}
          onChange={(event) => setLanguage(event.currentTarget.value === 'en' ? 'en' : 'ja')}
        >
          <option value="ja">{t.languages.ja}</option>
          <option value="en">{t.languages.en}</option>
        </select>
      </div>
      <button type="submit" class="btn btn-block" disabled={busy}>
        {busy ? t.create.creating : t.create.submit}
      </button>
    </form>
  )
}
