import { ROLES, type InviteCreated, type Role, type Staff } from '@joren/shared'
import { useState } from 'preact/hooks'
import { formatDate, formatDateTime } from '../../lib/format.ts'
import { useResource } from '../../lib/use-resource.ts'
import { CopyIcon, UserPlusIcon } from '../../ui/icons.tsx'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { useStaff } from '../context.ts'
import { locale, t } from '../messages.ts'

/** Who is on the staff; the owner invites, changes roles and removes. */
export default function StaffScreen() {
  const { api, me, can, toast } = useStaff()
  const m = t().staff
  const list = useResource(
    (signal) => api.get<{ staff: Staff[] }>('/api/staff/staff', { signal }),
    'staff',
  )
  const [removing, setRemoving] = useState<Staff | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const act = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true)
    setError(null)
    try {
      await work()
      toast(done)
      list.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="stack">
      <PageHeader title={m.title} />
      {can('staff.invite') && <InviteCard />}
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <div class="card stack" aria-busy="true">
          <span class="skel" style="height:56px" />
          <span class="skel" style="height:56px" />
        </div>
      ) : (
        <ul class="card rows">
          {list.data.staff.map((person) => {
            const self = person.id === me.id
            const editable = can('staff.role') && !self
            return (
              <li class="row staff-row" key={person.id}>
                <span class="avatar avatar-sm" aria-hidden="true">
                  {Array.from(person.displayName.trim() || '?')[0]}
                </span>
                <span class="row-main grow">
                  <strong>
                    {person.displayName}
                    {self && <span class="badge badge-gray">{m.you}</span>}
                  </strong>
                  <span class="muted small">{m.since(formatDate(person.createdAt, locale()))}</span>
                </span>
                {editable ? (
                  <label class="role-select">
                    <span class="sr-only">{m.changeRole(person.displayName)}</span>
                    <select
                      class="input"
                      value={person.role}
                      disabled={busy}
                      onChange={(e) => {
                        const role = e.currentTarget.value as Role
                        void act(
                          () => api.send('PATCH', `/api/staff/staff/${person.id}`, { role }),
                          m.roleChanged,
                        )
                      }}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t().roles[role]}
                        </option>
                      ))}
                    </select>
                  </label>
                ) : (
                  <span class={`role role-${person.role}`}>{t().roles[person.role]}</span>
                )}
                {can('staff.remove') && !self && (
                  <button
                    class="btn btn-secondary btn-sm"
                    type="button"
                    disabled={busy}
                    onClick={() => setRemoving(person)}
                  >
                    {m.remove}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={removing ? m.removeTitle(removing.displayName) : ''}
        body={m.removeBody}
        confirmLabel={m.remove}
        busy={busy}
        onConfirm={() => {
          const person = removing
          setRemoving(null)
          if (person) void act(() => api.send('DELETE', `/api/staff/staff/${person.id}`), m.removed)
        }}
        onCancel={() => setRemoving(null)}
      />
    </div>
  )
}

/** The owner creates an invitation code; it is shown once, with a copy button. */
function InviteCard() {
  const { api, toast } = useStaff()
  const m = t().staff
  const [role, setRole] = useState<'admin' | 'staff'>('staff')
  const [invite, setInvite] = useState<InviteCreated | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const create = async () => {
    setBusy(true)
    setError(null)
    try {
      setInvite(await api.send<InviteCreated>('POST', '/api/staff/invites', { role }))
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  const copy = async () => {
    if (!invite) return
    try {
      await navigator.clipboard.writeText(invite.code)
      toast(m.copied)
    } catch {
      // No clipboard (an old in-app browser): the code is selectable text.
    }
  }

  return (
    <section class="card stack" aria-labelledby="invite-title">
      <h2 class="section-title" id="invite-title">
        {m.inviteTitle}
      </h2>
      <p class="muted">{m.inviteHelp}</p>
      <div class="inline-form">
        <label class="grow">
          <span class="field-hint">{m.inviteRole}</span>
          <select
            class="input"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as 'admin' | 'staff')}
          >
            <option value="staff">{t().roles.staff}</option>
            <option value="admin">{t().roles.admin}</option>
          </select>
        </label>
        <button class="btn self-end" type="button" disabled={busy} onClick={() => void create()}>
          <UserPlusIcon size={20} />
          {m.createInvite}
        </button>
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setError(null)} />}
      {invite && (
        <div class="invite-code" role="status">
          <span class="field-hint">
            {m.inviteCode}（{t().roles[invite.role]}）
          </span>
          <div class="inline-form">
            <output class="code">{invite.code}</output>
            <button class="btn btn-secondary" type="button" onClick={() => void copy()}>
              <CopyIcon size={18} />
              {m.copy}
            </button>
          </div>
          <p class="small">{m.inviteOnce}</p>
          <p class="small muted">{m.expires(formatDateTime(invite.expiresAt, locale()))}</p>
        </div>
      )}
    </section>
  )
}
