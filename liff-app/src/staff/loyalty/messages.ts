import { staffLoyaltyEn } from '../../i18n/staff-loyalty-en.ts'
import { staffLoyaltyJa, type StaffLoyaltyMessages } from '../../i18n/staff-loyalty-ja.ts'
import { locale } from '../messages.ts'

export const loyaltyText = (): StaffLoyaltyMessages =>
  locale() === 'en' ? staffLoyaltyEn : staffLoyaltyJa
