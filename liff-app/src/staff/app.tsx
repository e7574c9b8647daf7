import type { Staff } from '@joren/shared'
import type { ComponentType } from 'preact'
import { useCallback, useEffect, useState } from 'preact/hooks'
import { ApiError } from '../lib/api-error.ts'
import { Toast } from '../ui/toast.tsx'
import { bootStaff, whoAmI, type Signed } from './boot.ts'
import { ErrorPanel } from './components/error-panel.tsx'
import { StaffContextValue, type StaffContext } from './context.ts'
import { t } from './messages.ts'
import { can } from './permissions.ts'
import { Shell } from './shell.tsx'

type Claim = ComponentType<{ api: Signed['api']; shopName: string; onJoined(me: Staff): void }>

type Phase =
  | { kind: 'starting' }
  | { kind: 'failed'; error: unknown; signed?: Signed }
  | { kind: 'claim'; signed: Signed; ClaimScreen: Claim }
  | { kind: 'ready'; signed: Signed; me: Staff }

/** Sign-in gate: LINE (or the sandbox) → `/api/staff/me` → the console, or the code screen. */
export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' })
  const [toast, setToast] = useState<string | null>(null)
  const clearToast = useCallback(() => setToast(null), [])

  const identify = useCallback(async (signed: Signed) => {
    try {
      setPhase({ kind: 'ready', signed, me: await whoAmI(signed.api) })
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'not_staff')) {
        setPhase({ kind: 'failed', error, signed })
        return
      }
      // Only someone joining needs the code forms (and their validation): a chunk of their own.
      try {
        const { ClaimScreen } = await import('./team/claim-screen.tsx')
        setPhase({ kind: 'claim', signed, ClaimScreen })
      } catch (failure) {
        setPhase({ kind: 'failed', error: failure, signed })
      }
    }
  }, [])

  useEffect(() => {
    bootStaff().then(identify, (error: unknown) => setPhase({ kind: 'failed', error }))
  }, [identify])

  let content
  if (phase.kind === 'starting') {
    content = (
      <div class="boot" aria-busy="true">
        <span class="brand-mark" aria-hidden="true" />
        <span class="sr-only" role="status">
          {t().loading}
        </span>
        <span class="skel" style="width:180px" />
      </div>
    )
  } else if (phase.kind === 'failed') {
    content = (
      <div class="boot">
        <ErrorPanel error={phase.error} session={phase.signed?.session} />
      </div>
    )
  } else if (phase.kind === 'claim') {
    const { ClaimScreen } = phase
    content = (
      <ClaimScreen
        api={phase.signed.api}
        shopName={phase.signed.config.shopName}
        onJoined={(me) => {
          setPhase({ kind: 'ready', signed: phase.signed, me })
          setToast(t().claim.welcome(me.displayName))
        }}
      />
    )
  } else {
    const { signed, me } = phase
    const context: StaffContext = {
      ...signed,
      me,
      can: (permission) => can(me.role, permission),
      toast: setToast,
    }
    content = (
      <StaffContextValue.Provider value={context}>
        <Shell />
      </StaffContextValue.Provider>
    )
  }
  return (
    <>
      {content}
      <Toast message={toast} onDone={clearToast} />
    </>
  )
}
