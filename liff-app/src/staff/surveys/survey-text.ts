import { staffSurveysEn } from '../../i18n/staff-surveys-en.ts'
import { staffSurveysJa, type StaffSurveysMessages } from '../../i18n/staff-surveys-ja.ts'
import { locale } from '../messages.ts'
import './surveys.css'

export const surveyText = (): StaffSurveysMessages =>
  locale() === 'en' ? staffSurveysEn : staffSurveysJa
