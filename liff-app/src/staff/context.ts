import type { PublicConfig, Staff } from '@joren/shared'
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { Api } from '../lib/api-client.ts'
import type { Session } from '../lib/session.ts'
import type { Permission } from './permissions.ts'

export interface StaffContext {
  api: Api
  config: PublicConfig
  session: Session
  /** The signed-in staff member. */
  me: Staff
  can(permission: Permission): boolean
  /** A short confirmation at the bottom of the screen. */
  toast(message: string): void
}

export const StaffContextValue = createContext<StaffContext | null>(null)

export function useStaff(): StaffContext {
  const value = useContext(StaffContextValue)
  if (!value) throw new Error('useStaff() outside the signed-in shell')
  return value
}
