import { ApiError } from '../../lib/api-error.ts'
import { SessionError, type Session } from '../../lib/session.ts'
import { AlertIcon, RefreshIcon } from '../../ui/icons.tsx'
import { t } from '../messages.ts'

interface Props {
  error: unknown
  /** Try again; without it the panel offers a page reload. */
  onRetry?: () => void
  session?: Session | null
}

/** What failed, in words staff can act on, with the button that helps. */
export function ErrorPanel({ error, onRetry, session }: Props) {
  const m = t().errors
  const retry = (
    <button class="btn" type="button" onClick={onRetry ?? (() => location.reload())}>
      <RefreshIcon size={20} />
      {onRetry ? t().retry : t().reload}
    </button>
  )
  let title = m.serverTitle
  let body = m.serverBody
  let action = retry
  if (error instanceof SessionError && error.code === 'no_sandbox_user') {
    title = m.sandboxTitle
    body = m.sandboxBody
    action = (
      <a class="btn" href="/sandbox">
        {m.openSandbox}
      </a>
    )
  } else if (error instanceof SessionError && error.code === 'no_liff_id') {
    title = m.setupTitle
    body = m.setupBody
  } else if (error instanceof ApiError && error.status === 401) {
    title = m.authTitle
    body = m.authBody
    const relogin = async () => {
      await session?.relogin()
      location.reload()
    }
    action = (
      <button class="btn" type="button" onClick={() => void relogin()}>
        {m.login}
      </button>
    )
  } else if (error instanceof ApiError && error.status === 403) {
    title = m.forbiddenTitle
    body = error.message || m.forbiddenBody
    action = <></>
  } else if (error instanceof ApiError && error.status === 404) {
    // A record the API looked for (a member number, a coupon) is not a missing page.
    const page = error.code === 'not_found' || error.code === 'http_404'
    title = page ? m.notFoundTitle : m.missingTitle
    body = error.message
    action = <></>
  } else if (error instanceof TypeError) {
    title = m.networkTitle
    body = m.networkBody
  } else if (error instanceof ApiError && error.status < 500 && error.message) {
    // A refusal with its reason (over a coupon's limit, used already), not a loading failure.
    title = m.refusedTitle
    body = error.message
  }
  return (
    <div class="notice" role="alert">
      <span class="notice-icon">
        <AlertIcon size={26} />
      </span>
      <h2 class="notice-title">{title}</h2>
      <p class="notice-body">{body}</p>
      {action}
    </div>
  )
}
