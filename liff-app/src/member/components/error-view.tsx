import type { PublicConfig } from '@joren/shared'
import type { ComponentChildren } from 'preact'
import { errorsEn } from '../../i18n/errors-en.ts'
import { errorsJa, type ErrorMessages } from '../../i18n/errors-ja.ts'
import { ApiError } from '../../lib/api-error.ts'
import { SessionError, type Session } from '../../lib/session.ts'
import { AlertIcon, RefreshIcon, UserPlusIcon } from '../../ui/icons.tsx'
import { locale } from '../messages.ts'
import { lastClaim } from '../referral-claim.ts'
import { href } from '../paths.ts'

interface Props {
  error: unknown
  config: PublicConfig | null
  session?: Session | null
  /** Try the failed thing again; the default reloads the page. */
  onRetry?: () => void
}

const messages = (): ErrorMessages => (locale() === 'en' ? errorsEn : errorsJa)

/**
 * Says what went wrong in words a customer can act on, with the one button that helps. Loaded only
 * when something failed, so the card's first screen does not carry it.
 */
export function ErrorView({ error, config, session, onRetry }: Props) {
  const m = messages()
  const retry = onRetry ?? (() => location.reload())
  if (error instanceof ApiError && error.code === 'not_friend') {
    const fromError = error.extra.addFriendUrl
    const url = typeof fromError === 'string' ? fromError : config?.addFriendUrl
    return <NotFriend m={m} url={url ?? null} shopName={config?.shopName ?? ''} />
  }
  if (error instanceof SessionError && error.code === 'no_sandbox_user') {
    return (
      <Message title={m.sandboxTitle} body={m.sandboxBody}>
        <a class="btn btn-block" href="/sandbox">
          {m.openSandbox}
        </a>
      </Message>
    )
  }
  if (error instanceof SessionError && error.code === 'no_liff_id') {
    return <Message title={m.setupTitle} body={m.setupBody} />
  }
  if (error instanceof ApiError && error.status === 401) {
    const relogin = async () => {
      await session?.relogin()
      location.reload()
    }
    return (
      <Message title={m.authTitle} body={m.authBody}>
        <button class="btn btn-block" type="button" onClick={() => void relogin()}>
          {m.login}
        </button>
      </Message>
    )
  }
  // fetch rejects with a TypeError when the request got no answer at all.
  const offline = error instanceof TypeError
  return (
    <Message
      title={offline ? m.networkTitle : m.serverTitle}
      body={offline ? m.networkBody : m.serverBody}
    >
      <button class="btn btn-block" type="button" onClick={retry}>
        <RefreshIcon size={20} />
        {onRetry ? m.retry : m.reload}
      </button>
    </Message>
  )
}

export function NotFoundView() {
  const m = messages()
  return (
    <Message title={m.notFoundTitle} body={m.notFoundBody}>
      <a class="btn btn-block" href={href('/')}>
        {m.backHome}
      </a>
    </Message>
  )
}

function Message(props: { title: string; body: string; children?: ComponentChildren }) {
  return (
    <div class="notice" role="alert">
      <span class="notice-icon">
        <AlertIcon size={28} />
      </span>
      <h1 class="notice-title">{props.title}</h1>
      <p class="notice-body">{props.body}</p>
      {props.children}
    </div>
  )
}

function NotFriend({
  m,
  url,
  shopName,
}: {
  m: ErrorMessages
  url: string | null
  shopName: string
}) {
  // Opened from a referral link: the claim is already recorded; say so before the detour.
  const claim = lastClaim()
  return (
    <div class="notice" role="alert">
      <span class="notice-icon notice-icon-green">
        <UserPlusIcon size={30} />
      </span>
      <h1 class="notice-title">{m.notFriendTitle}</h1>
      {claim && (
        <p class="notice-body" data-testid="referral-claim">
          {claim.message}
        </p>
      )}
      <p class="notice-body">{m.notFriendBody(shopName)}</p>
      {url ? (
        <a class="btn btn-line btn-block btn-lg" href={url}>
          <UserPlusIcon size={22} />
          {m.addFriend}
        </a>
      ) : (
        <p class="notice-body">{m.noAddFriendLink}</p>
      )}
      <p class="notice-after">{m.afterAdding}</p>
      <button class="btn btn-secondary btn-block" type="button" onClick={() => location.reload()}>
        <RefreshIcon size={20} />
        {m.reload}
      </button>
    </div>
  )
}
