import { surveysEn } from '../../i18n/surveys-en.ts'
import { surveysJa, type SurveysMessages } from '../../i18n/surveys-ja.ts'
import { locale } from '../messages.ts'
import './surveys.css'

export const surveyText = (): SurveysMessages => (locale() === 'en' ? surveysEn : surveysJa)
