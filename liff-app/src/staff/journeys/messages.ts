import { locale } from '../messages.ts'
import { journeysEn } from './journeys-en.ts'
import { journeysJa, type JourneysMessages } from './journeys-ja.ts'
import './journeys.css'

export const journeysText = (): JourneysMessages => (locale() === 'en' ? journeysEn : journeysJa)
