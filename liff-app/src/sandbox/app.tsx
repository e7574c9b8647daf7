import type { Locale, PublicConfig, SandboxCreateUser } from '@joren/shared'
import { useCallback, useEffect, useState } from 'preact/hooks'
import { fetchPublicConfig } from '../lib/public-config.ts'
import { AlertIcon, XIcon } from '../ui/icons.tsx'
import type { ChatAction } from './actions.ts'
import { sandboxApi } from './api.ts'
import { ChatPanel } from './components/chat-panel.tsx'
import { ClockPanel } from './components/clock-panel.tsx'
import { DemoShopPanel } from './components/demo-shop-panel.tsx'
import { CustomerPanel } from './components/customer-panel.tsx'
import { MiniAppPanel, miniAppUrl } from './components/mini-app-panel.tsx'
import {
  initialLocale,
  MessagesContext,
  readStorage,
  storeLocale,
  useT,
  writeStorage,
} from './i18n.ts'
import { SANDBOX_MESSAGES } from './messages.ts'
import type { SandboxUser } from './types.ts'
import { useChat } from './use-chat.ts'

type Busy = 'follow' | 'unfollow' | 'send' | 'postback' | null

const SELECTED_KEY = 'joren.sandbox.customer'

/**
 * The sandbox page: chat with the shop's bot as a test customer, open the mini-app as them, and
 * open the staff screens as the demo owner. Everything goes through the real product: the page
 * drives the LINE stand-in, which signs webhooks to Joren and records what Joren sends back.
 */
export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale)
  const t = SANDBOX_MESSAGES[locale]
  const [config, setConfig] = useState<PublicConfig | null>(null)
  const [users, setUsers] = useState<SandboxUser[] | null>(null)
  const [unavailable, setUnavailable] = useState(false)
  const [ownerId, setOwnerId] = useState<string | null>(null)
  const [selectedId, setSelectedId] = useState<string | null>(() => readStorage(SELECTED_KEY))
  const [busy, setBusy] = useState<Busy>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [miniApp, setMiniApp] = useState<{ path: string; nonce: number } | null>(null)

  const customers = users?.filter((u) => u.userId !== ownerId) ?? null
  const user = customers?.find((u) => u.userId === selectedId) ?? customers?.[0] ?? null
  const chat = useChat(user?.userId ?? null)

  const loadUsers = useCallback(async () => {
    try {
      setUsers(await sandboxApi.users())
      setUnavailable(false)
    } catch {
      setUnavailable(true)
      setUsers((current) => current ?? [])
    }
  }, [])

  useEffect(() => {
    storeLocale(locale)
    document.title = t.title
  }, [locale, t])

  useEffect(() => {
    void loadUsers()
    fetchPublicConfig().then(setConfig, () => undefined)
    sandboxApi.demoOwner().then(
      (owner) => setOwnerId(owner.userId),
      () => setOwnerId(null),
    )
    // Another tab may have followed or blocked meanwhile.
    const onFocus = () => void loadUsers()
    addEventListener('focus', onFocus)
    return () => removeEventListener('focus', onFocus)
  }, [loadUsers])

  useEffect(() => {
    if (!notice) return
    const timer = setTimeout(() => setNotice(null), 4000)
    return () => clearTimeout(timer)
  }, [notice])

  const select = (userId: string) => {
    setSelectedId(userId)
    writeStorage(SELECTED_KEY, userId)
    setError(null)
    setMiniApp((open) => open && { path: '/', nonce: open.nonce + 1 })
  }

  /** Runs one customer action; true when it went through. */
  const perform = async (kind: Busy, what: string, run: () => Promise<unknown>) => {
    setBusy(kind)
    setError(null)
    try {
      await run()
      return true
    } catch (failure) {
      const detail = failure instanceof Error ? failure.message : String(failure)
      setError(`${t.errors.action(what)}: ${detail}`)
      return false
    } finally {
      setBusy(null)
      chat.burst()
    }
  }

  const createUser = async (input: SandboxCreateUser): Promise<string | null> => {
    if (!input.displayName.trim()) return t.create.nameRequired
    try {
      const created = await sandboxApi.createUser(input)
      await loadUsers()
      select(created.userId)
      return null
    } catch (failure) {
      return `${t.errors.action(t.errors.create)}: ${(failure as Error).message}`
    }
  }

  const onAction = (action: ChatAction) => {
    if (!user) return
    switch (action.kind) {
      case 'message':
        void perform('send', t.errors.send, () => sandboxApi.sendText(user.userId, action.text))
        return
      case 'postback':
        void perform('postback', t.errors.postback, () =>
          sandboxApi.postback(user.userId, action.data, action.displayText),
        )
        return
      case 'uri':
        window.open(action.uri, '_blank', 'noopener')
        setNotice(t.action.opened)
        return
      case 'liff':
        setMiniApp((open) => ({ path: action.path, nonce: (open?.nonce ?? 0) + 1 }))
        return
      case 'unsupported':
        setNotice(t.action.unsupported(action.label || action.type))
        return
    }
  }

  return (
    <MessagesContext.Provider value={t}>
      <div class={miniApp && user ? 'shell with-mini-app' : 'shell'}>
        <TopBar locale={locale} setLocale={setLocale} ownerId={ownerId} />

        {(unavailable || chat.unreachable || config?.sandbox === false) && (
          <p class="banner" role="alert">
            <AlertIcon size={20} />
            {config?.sandbox === false ? t.notSandbox : t.errors.load}
          </p>
        )}

        <main class="layout">
          <CustomerPanel
            users={customers}
            selectedId={user?.userId ?? null}
            onSelect={select}
            onCreate={createUser}
          />
          {user ? (
            <ChatPanel
              key={user.userId}
              user={user}
              shopName={config?.shopName ?? null}
              timeline={chat.timeline}
              busy={busy}
              onFollow={() =>
                void perform('follow', t.errors.follow, async () => {
                  await sandboxApi.follow(user.userId)
                  await loadUsers()
                })
              }
              onBlock={() =>
                void perform('unfollow', t.errors.block, async () => {
                  await sandboxApi.unfollow(user.userId)
                  await loadUsers()
                })
              }
              onSend={(text) =>
                perform('send', t.errors.send, () => sandboxApi.sendText(user.userId, text))
              }
              onAction={onAction}
              onOpenMiniApp={() =>
                setMiniApp((open) => ({ path: '/', nonce: (open?.nonce ?? 0) + 1 }))
              }
            />
          ) : (
            <section class="panel chat chat-placeholder" aria-label={t.chat.log}>
              <p class="muted">{t.chat.choose}</p>
            </section>
          )}
          <Tour config={config} onMoved={() => chat.burst()} />
          {miniApp && user && (
            <MiniAppPanel
              key={`${user.userId}-${miniApp.nonce}`}
              user={user}
              src={miniAppUrl(user, miniApp.path)}
              onReload={() => setMiniApp({ path: miniApp.path, nonce: miniApp.nonce + 1 })}
              onClose={() => setMiniApp(null)}
            />
          )}
        </main>

        {error && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
        <div class="notice-region" role="status" aria-live="polite">
          {notice && <p class="notice">{notice}</p>}
        </div>
      </div>
    </MessagesContext.Provider>
  )
}

/** The page's title, the UI language switch and the link to the staff screens as the demo owner. */
function TopBar({
  locale,
  setLocale,
  ownerId,
}: {
  locale: Locale
  setLocale(locale: Locale): void
  ownerId: string | null
}) {
  const t = useT()
  const staffHref = ownerId
    ? `/staff/?${new URLSearchParams({ sandboxUser: ownerId, lang: locale }).toString()}`
    : null

  return (
    <header class="top">
      <div class="grow">
        <h1>{t.title}</h1>
        <p class="lead">{t.lead}</p>
      </div>
      <div class="top-actions">
        <div class="segmented" role="group" aria-label={t.uiLanguage}>
          {(['ja', 'en'] as const).map((value) => (
            <button
              key={value}
              type="button"
              lang={value}
              aria-pressed={locale === value}
              onClick={() => setLocale(value)}
            >
              {value === 'ja' ? '日本語' : 'English'}
            </button>
          ))}
        </div>
        {staffHref ? (
          <a class="btn btn-sm staff-link" href={staffHref} target="_blank" rel="noopener">
            {t.openStaff}
            <span class="sr-only">（{t.openStaffHint}）</span>
          </a>
        ) : (
          <p class="muted small">{t.noOwner}</p>
        )}
      </div>
    </header>
  )
}

/** The guided steps, and the clock and demo shop panels on a sandbox. */
function Tour({ config, onMoved }: { config: PublicConfig | null; onMoved(): void }) {
  const t = useT()
  return (
    <div class="tour side-stack">
      <section class="panel" aria-labelledby="tour-title">
        <h2 id="tour-title">{t.stepsTitle}</h2>
        <ol>
          {t.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </section>
      {config?.sandbox !== false && <ClockPanel onMoved={onMoved} />}
      {config?.sandbox !== false && <DemoShopPanel />}
    </div>
  )
}

/** The last customer action's failure, until dismissed. */
function ErrorAlert({ error, onDismiss }: { error: string; onDismiss(): void }) {
  const t = useT()
  return (
    <div class="alert" role="alert">
      <AlertIcon size={20} />
      <p class="grow">{error}</p>
      <button type="button" class="icon-button" aria-label={t.errors.dismiss} onClick={onDismiss}>
        <XIcon size={20} />
      </button>
    </div>
  )
}
