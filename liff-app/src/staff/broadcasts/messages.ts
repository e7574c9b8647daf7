import { staffBroadcastsEn } from '../../i18n/staff-broadcasts-en.ts'
import { staffBroadcastsJa, type StaffBroadcastsMessages } from '../../i18n/staff-broadcasts-ja.ts'
import { locale } from '../messages.ts'
import './broadcasts.css'

export const broadcastText = (): StaffBroadcastsMessages =>
  locale() === 'en' ? staffBroadcastsEn : staffBroadcastsJa
