import { locale } from '../messages.ts'
import { quotaEn } from './quota-en.ts'
import { quotaJa, type QuotaMessages } from './quota-ja.ts'

export const quotaText = (): QuotaMessages => (locale() === 'en' ? quotaEn : quotaJa)
