import type { MeResponse } from '@joren/shared'
import { Component, type ComponentType } from 'preact'
import { readLiffState } from '../lib/liff-state.ts'
import { inlinePublicConfig } from '../lib/public-config.ts'
import { currentPath, findRoute, interceptLinks, onNavigate } from '../lib/router.ts'
import { BootFailure, bootMember, type Booted } from './boot.ts'
import type * as ErrorViews from './components/error-view.tsx'
import { t } from './messages.ts'
import { menuOf } from './paths.ts'
import { BASE, ROUTES, href, type MemberRoute } from './routes.ts'
import type { ScreenProps } from './screen-props.ts'
import { Skeleton } from './skeletons.tsx'

type Screen = ComponentType<ScreenProps>
type Fallbacks = typeof ErrorViews

interface State {
  path: string
  booted?: Booted
  failure?: BootFailure
  me?: MeResponse
  chunkError?: unknown
  /** The error screens, a chunk of their own that the happy path never downloads. */
  fallbacks?: Fallbacks
  offline?: boolean
}

const screens = new Map<MemberRoute, Screen>()
const onLinkClick = interceptLinks(BASE)

/**
 * The shell: paints the route's skeleton at once, boots (config, LIFF or sandbox, `/me`) after
 * that paint, and loads the route's screen meanwhile. No hooks here or on the card screen: the
 * card's first view stays within its JavaScript budget.
 */
export class App extends Component<object, State> {
  override state: State = { path: currentPath(BASE) }
  private main: HTMLElement | null = null
  private requested = new Set<MemberRoute>()
  private fallbacksRequested = false

  override componentDidMount() {
    // The app lives as long as the page: no unsubscribe.
    onNavigate(() => this.setState({ path: currentPath(BASE) }))
    bootMember().then(
      (booted) => this.setState({ booted, me: booted.me }),
      (error: unknown) =>
        this.setState({
          failure: error instanceof BootFailure ? error : new BootFailure(error, null, null),
        }),
    )
    this.componentDidUpdate(this.props, this.state)
  }

  override componentDidUpdate(_: object, previous: State) {
    const found = this.found()
    const route = found?.route
    if (route && !this.requested.has(route)) {
      this.requested.add(route)
      route.screen().then(
        (module) => {
          screens.set(route, module.default)
          this.setState({})
        },
        (chunkError: unknown) => this.setState({ chunkError }),
      )
    }
    if (this.failed() && !this.fallbacksRequested) {
      this.fallbacksRequested = true
      import('./components/error-view.tsx').then(
        (fallbacks) => this.setState({ fallbacks }),
        () => this.setState({ offline: true }),
      )
    }
    const menu = route && menuOf(route.path)
    const shop = this.state.me?.shop.name
    document.title = [menu && t().menu[menu], shop].filter(Boolean).join('｜') || t().loading
    // After an in-app navigation, focus the new screen so that screen readers announce it.
    if (previous.path !== this.state.path) this.main?.focus({ preventScroll: true })
  }

  /** Before LIFF has started, a deep link still sits in `?liff.state`: use its skeleton. */
  private found() {
    const { path, booted, failure } = this.state
    const early = !booted && !failure ? readLiffState()?.split('?')[0] : null
    return findRoute(ROUTES, early || path)
  }

  private failed() {
    return !!this.state.failure || !this.found() || !!this.state.chunkError
  }

  render() {
    const { booted, failure, me, chunkError, fallbacks, offline } = this.state
    const found = this.found()
    const Screen = found && screens.get(found.route)
    const m = t()
    const menu = found && menuOf(found.route.path)
    // Home shows the shop's name; a screen shows its own (the card carries the shop's name).
    const title = menu
      ? m.menu[menu]
      : (me?.shop.name ?? failure?.config?.shopName ?? inlinePublicConfig()?.shopName)
    let content
    if (this.failed()) {
      content = fallbacks ? (
        found ? (
          <fallbacks.ErrorView
            error={failure?.error ?? chunkError}
            config={failure?.config ?? booted?.config ?? null}
            session={failure?.session}
          />
        ) : (
          <fallbacks.NotFoundView />
        )
      ) : (
        offline && (
          <button class="btn btn-block" type="button" onClick={() => location.reload()}>
            {m.retry}
          </button>
        )
      )
    } else if (booted && me && Screen) {
      content = (
        <Screen
          api={booted.api}
          config={booted.config}
          me={me}
          setMe={(next) => this.setState({ me: next })}
          params={found.params}
          session={booted.session}
        />
      )
    } else {
      content = <Skeleton kind={found?.route.skeleton} />
    }

    return (
      <div class="app" onClick={onLinkClick}>
        <header class="bar">
          {found?.route.path !== '/' && (
            <a class="bar-back" href={href('/')} aria-label={m.backHome}>
              {/* Inline: the shared icon module would pull every screen's icons into the entry. */}
              <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M15 6l-6 6 6 6" fill="none" stroke="currentColor" stroke-width="2" />
              </svg>
            </a>
          )}
          {title ? <span class="bar-title">{title}</span> : <span class="skel bar-skel" />}
        </header>
        <main ref={(element) => void (this.main = element)} tabIndex={-1}>
          {content}
        </main>
      </div>
    )
  }
}
