import { locale } from '../messages.ts'
import { privacyEn } from './privacy-en.ts'
import { privacyJa, type PrivacyMessages } from './privacy-ja.ts'

export const privacyText = (): PrivacyMessages => (locale() === 'en' ? privacyEn : privacyJa)
