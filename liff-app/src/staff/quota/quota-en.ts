import type { QuotaMessages } from './quota-ja.ts'

const n = (v: number) => v.toLocaleString('en-US')

export const quotaEn: QuotaMessages = {
  title: "This month's messages",
  usedOf: (used, limit) => `${n(used)} of ${n(limit)} used`,
  left: (remaining) => `${n(remaining)} left`,
  unlimited: (used) => `No monthly limit (${n(used)} used this month)`,
  near: (percent) =>
    `${percent}% of this month's messages are used. At the limit, broadcasts and automatic pushes cannot be sent.`,
  reached:
    "This month's message limit is reached. Pushes cannot be sent until next month or a plan change (replies stay free).",
  unknown: 'The remaining quota could not be read',
  unknownNote: 'You can still send. LINE refuses whatever exceeds the limit.',
  note: 'Broadcasts and automatic pushes count one message per customer (replies are free).',
  reload: 'Reload',
}
