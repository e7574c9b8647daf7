import { locale } from '../messages.ts'
import { dashboardEn } from './dashboard-en.ts'
import { dashboardJa, type DashboardMessages } from './dashboard-ja.ts'
import { insightsEn } from './insights-en.ts'
import { insightsJa, type InsightMessages } from './insights-ja.ts'

export const dashboardText = (): DashboardMessages =>
  locale() === 'en' ? dashboardEn : dashboardJa

export const insightsText = (): InsightMessages => (locale() === 'en' ? insightsEn : insightsJa)
