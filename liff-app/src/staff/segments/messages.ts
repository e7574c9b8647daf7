import { locale } from '../messages.ts'
import { segmentsEn } from './segments-en.ts'
import { segmentsJa, type SegmentsMessages } from './segments-ja.ts'

export const segmentsText = (): SegmentsMessages => (locale() === 'en' ? segmentsEn : segmentsJa)
