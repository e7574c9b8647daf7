import { InviteAcceptSchema, SetupClaimSchema, type Staff } from '@joren/shared'
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import type { Api } from '../../lib/api-client.ts'
import { ApiError } from '../../lib/api-error.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { t } from '../messages.ts'

interface Props {
  api: Api
  shopName: string
  onJoined(me: Staff): void
}

/** A LINE user who is not on the staff yet: the owner's one-time setup code, or an invitation. */
export function ClaimScreen({ api, shopName, onJoined }: Props) {
  const m = t().claim
  return (
    <div class="claim">
      <header class="claim-header">
        <span class="brand-mark" aria-hidden="true" />
        <p class="muted">{shopName}</p>
        <h1 class="page-title">{m.title}</h1>
        <p class="muted">{m.intro}</p>
      </header>
      <CodeForm
        id="invite"
        title={m.inviteTitle}
        help={m.inviteHelp}
        label={m.inviteCode}
        submit={m.inviteSubmit}
        schema={InviteAcceptSchema}
        send={(code) => api.send<{ staff: Staff }>('POST', '/api/staff/invites/accept', { code })}
        onJoined={onJoined}
      />
      <CodeForm
        id="owner"
        title={m.ownerTitle}
        help={m.ownerHelp}
        label={m.ownerCode}
        submit={m.ownerSubmit}
        schema={SetupClaimSchema}
        send={(code) => api.send<{ staff: Staff }>('POST', '/api/staff/setup', { code })}
        onJoined={onJoined}
        secondary
      />
    </div>
  )
}

interface FormProps {
  id: string
  title: string
  help: string
  label: string
  submit: string
  schema: typeof SetupClaimSchema
  send(code: string): Promise<{ staff: Staff }>
  onJoined(me: Staff): void
  secondary?: boolean
}

function CodeForm(props: FormProps) {
  const [code, setCode] = useState('')
  const [invalid, setInvalid] = useState<string | undefined>()
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const inputId = `${props.id}-code`

  const submit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault()
    setFailure(null)
    const parsed = props.schema.safeParse({ code })
    if (!parsed.success) {
      setInvalid(t().claim.codeInvalid)
      return
    }
    setBusy(true)
    try {
      props.onJoined((await props.send(parsed.data.code)).staff)
    } catch (error) {
      // A refused code is the user's to fix: show the server's words under the field.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        setInvalid(error.message)
      } else {
        setFailure(error)
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card stack" onSubmit={(e) => void submit(e)} noValidate>
      <h2 class="section-title">{props.title}</h2>
      <p class="muted">{props.help}</p>
      <div>
        <label class="field-label" for={inputId}>
          {props.label}
        </label>
        <input
          id={inputId}
          class="input input-code"
          autocomplete="one-time-code"
          autocapitalize="off"
          spellcheck={false}
          value={code}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={invalid ? `${inputId}-error` : undefined}
          onInput={(e) => {
            setCode(e.currentTarget.value)
            setInvalid(undefined)
          }}
        />
        <FieldError id={`${inputId}-error`} message={invalid} />
      </div>
      {failure !== null && <ErrorPanel error={failure} onRetry={() => setFailure(null)} />}
      <button class={props.secondary ? 'btn btn-secondary' : 'btn'} type="submit" disabled={busy}>
        {busy ? t().saving : props.submit}
      </button>
    </form>
  )
}
