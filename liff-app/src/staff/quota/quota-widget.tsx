import type { MessageQuotaResponse } from '@joren/shared'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { QuotaMeter } from './quota-meter.tsx'

/** The console home's quota card (for those who send broadcasts). */
export function QuotaWidget() {
  const { api, can } = useStaff()
  const allowed = can('broadcasts.read')
  const quota = useResource(
    (signal) =>
      allowed
        ? api.get<MessageQuotaResponse>('/api/staff/quota', { signal })
        : Promise.resolve(null),
    'quota',
  )
  if (!allowed) return null
  return (
    <section class="card" data-testid="quota-widget" aria-busy={quota.loading}>
      {quota.error !== null ? (
        <ErrorPanel error={quota.error} onRetry={quota.reload} />
      ) : quota.data ? (
        <QuotaMeter quota={quota.data.quota} />
      ) : (
        <span class="skel" style="height:72px" />
      )}
    </section>
  )
}
