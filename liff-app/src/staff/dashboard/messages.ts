import { locale } from '../messages.ts'
import { dashboardEn } from './dashboard-en.ts'
import { dashboardJa, type DashboardMessages } from './dashboard-ja.ts'

export const dashboardText = (): DashboardMessages =>
  locale() === 'en' ? dashboardEn : dashboardJa
