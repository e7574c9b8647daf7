import type { ComponentType } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../lib/api-error.ts'
import { findRoute, interceptLinks, navigate } from '../lib/router.ts'
import { usePlace } from '../lib/use-place.ts'
import {
  ListIcon,
  SlidersIcon,
  TagIcon,
  UsersIcon,
  CardIcon,
  TicketIcon,
  CheckIcon,
  PlusIcon,
  UserPlusIcon,
  XIcon,
  MenuIcon,
} from '../ui/icons.tsx'
import { MegaphoneIcon } from './broadcasts/icons.tsx'
import { JourneyIcon } from './journeys/icons.tsx'
import { ErrorPanel } from './components/error-panel.tsx'
import { BookIcon, ChatIcon, UnreadBadge } from './inbox/nav.tsx'
import { SurveyIcon } from './surveys/icons.tsx'
import { SegmentsIcon } from './segments/icons.tsx'
import { DashboardIcon } from './dashboard/icons.tsx'
import { useStaff } from './context.ts'
import { t } from './messages.ts'
import { BASE, ROUTES, href, type StaffRoute } from './routes.ts'

/** Sections in a phone's tab bar before 「すべてのメニュー」. */
const PHONE_TABS = 4

type Screen = ComponentType<{ params: Record<string, string> }>
const loaded = new Map<StaffRoute, Screen>()
const onLinkClick = interceptLinks(BASE)

const NAV_ICONS = {
  dashboard: DashboardIcon,
  members: CardIcon,
  coupons: TicketIcon,
  redeem: CheckIcon,
  register: PlusIcon,
  purchases: ListIcon,
  tags: TagIcon,
  staff: UsersIcon,
  settings: SlidersIcon,
  audit: ListIcon,
  inbox: ChatIcon,
  faq: BookIcon,
  surveys: SurveyIcon,
  broadcasts: MegaphoneIcon,
  journeys: JourneyIcon,
  segments: SegmentsIcon,
  referrals: UserPlusIcon,
} satisfies Record<NonNullable<StaffRoute['nav']>, unknown>

/** The console: navigation for what this role may use (sidebar on a desk, tab bar on a phone). */
export function Shell() {
  const { me, config, can } = useStaff()
  const m = t()
  const { path } = usePlace(BASE)
  const found = findRoute(ROUTES, path)
  const [, setLoaded] = useState(0)
  const [chunkError, setChunkError] = useState<unknown>(null)
  const main = useRef<HTMLElement>(null)
  const [navOpen, setNavOpen] = useState(false)
  const route = found?.route
  const allowed = route ? can(route.needs) : false

  // Home: the dashboard for those who may read it, the member list for everyone else.
  const home = can('dashboard.read') ? '/dashboard' : '/members'
  useEffect(() => {
    if (path === '/') navigate(href(home), { replace: true })
  }, [path, home])

  useEffect(() => {
    if (!route || !allowed || loaded.has(route)) return
    setChunkError(null)
    route.screen().then(
      (module) => {
        loaded.set(route, module.default)
        setLoaded((n) => n + 1)
      },
      (error: unknown) => setChunkError(error),
    )
  }, [route, allowed])

  const first = useRef(true)
  useEffect(() => {
    if (first.current) first.current = false
    else main.current?.focus({ preventScroll: true })
  }, [path])

  const navRoute = route?.nav ? route : ROUTES.find((r) => r.nav && path.startsWith(`${r.path}/`))
  const sections = ROUTES.filter(
    (r): r is StaffRoute & { nav: NonNullable<StaffRoute['nav']> } => !!r.nav && can(r.needs),
  )
  const extraCurrent = sections.findIndex((r) => r === navRoute) >= PHONE_TABS
  useEffect(() => {
    document.title = [navRoute?.nav && m.nav[navRoute.nav], m.appName].filter(Boolean).join('｜')
  }, [navRoute, m])

  const Screen = route && loaded.get(route)
  let content
  if (!found) content = path === '/' ? null : <ErrorPanel error={notFound()} />
  else if (!allowed) content = <ErrorPanel error={forbidden()} />
  else if (chunkError) content = <ErrorPanel error={chunkError} />
  else if (!Screen) content = <ScreenSkeleton />
  else content = <Screen params={found.params} />

  return (
    <div class="console" onClick={onLinkClick}>
      <header class="topbar">
        <a class="brand" href={href(home)}>
          <span class="brand-mark" aria-hidden="true" />
          <span class="brand-text">
            <strong>{config.shopName}</strong>
            <span>{m.appName}</span>
          </span>
        </a>
        <span class="whoami">
          <span class="whoami-name">{me.displayName}</span>
          <span class={`role role-${me.role}`}>{m.roles[me.role]}</span>
        </span>
      </header>
      <nav class={navOpen ? 'nav nav-open' : 'nav'} aria-label={m.nav.label}>
        <ul id="console-nav-items">
          {sections.map((r, i) => {
            const Icon = NAV_ICONS[r.nav]
            const current = navRoute === r
            return (
              // On a phone the tab bar shows the first few; the rest are one tap away (all of them).
              <li key={r.path} class={i >= PHONE_TABS ? 'nav-extra' : undefined}>
                <a
                  href={href(r.path)}
                  aria-current={current ? 'page' : undefined}
                  onClick={() => setNavOpen(false)}
                >
                  <Icon size={22} />
                  <span>{m.nav[r.nav]}</span>
                  {r.nav === 'inbox' && <UnreadBadge />}
                </a>
              </li>
            )
          })}
          {sections.length > PHONE_TABS + 1 && (
            <li class="nav-more">
              <button
                type="button"
                aria-expanded={navOpen}
                aria-controls="console-nav-items"
                class={extraCurrent ? 'current' : undefined}
                onClick={() => setNavOpen((open) => !open)}
              >
                {navOpen ? <XIcon size={22} /> : <MenuIcon size={22} />}
                <span>{navOpen ? m.navClose : m.navMore}</span>
              </button>
            </li>
          )}
        </ul>
      </nav>
      <main class="main" ref={main} tabIndex={-1}>
        {content}
      </main>
    </div>
  )
}

function ScreenSkeleton() {
  return (
    <div class="stack" aria-busy="true">
      <span class="sr-only" role="status">
        {t().loading}
      </span>
      <span class="skel skel-title" style="width:30%" />
      <span class="skel" style="height:48px" />
      <span class="skel" style="height:240px" />
    </div>
  )
}

const notFound = () => new ApiError(404, 'not_found', '')
const forbidden = () => new ApiError(403, 'forbidden_role', t().errors.forbiddenBody)
