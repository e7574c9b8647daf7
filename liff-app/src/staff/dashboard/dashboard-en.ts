import type { DashboardMessages } from './dashboard-ja.ts'

const yen = (n: number) => `¥${n.toLocaleString('en-US')}`
const people = (n: number) => `${n.toLocaleString('en-US')}`

export const dashboardEn: DashboardMessages = {
  title: 'Dashboard',
  intro: (timeZone: string) =>
    `The chosen period against the one of the same length before it (dates in the shop's time zone, ${timeZone}).`,
  period: {
    label: 'Period',
    last30: 'Last 30 days',
    last90: 'Last 90 days',
    thisMonth: 'This month',
    lastMonth: 'Last month',
    from: 'From',
    to: 'To',
    show: 'Show',
    range: (from, to) => `${from} – ${to}`,
    previous: (from, to) => `Compared with ${from} – ${to}`,
  },
  loading: 'Counting…',
  csv: 'CSV',
  csvLabel: (what) => `Download ${what} as CSV`,
  previousValue: (value) => `before: ${value}`,
  none: '—',
  yen,
  people,
  count: (n) => n.toLocaleString('en-US'),
  percent: (ratio) => `${(ratio * 100).toFixed(1)}%`,
  figuresTitle: 'The period',
  figures: {
    friends: { label: 'Friends', definition: 'Members following the account at the period end.' },
    newFriends: { label: 'New friends', definition: 'Members who first followed in the period.' },
    blocked: { label: 'Blocked', definition: 'Members who blocked in the period and still do.' },
    reachable: {
      label: 'Reachable',
      definition: 'Members a broadcast reaches now (following, agreed to news).',
    },
    buyers: {
      label: 'Buyers',
      definition: 'Members with ≥ 1 purchase in the period (refunds excluded).',
    },
    purchases: {
      label: 'Purchases',
      definition: 'Completed, not refunded purchases in the period.',
    },
    revenueYen: { label: 'Revenue', definition: 'Sum of those purchases (yen).' },
    averageOrderYen: { label: 'Average order', definition: 'Revenue ÷ purchases, rounded.' },
    repeatRate: { label: 'Repeat rate', definition: 'Buyers with ≥ 2 purchases ÷ buyers.' },
    returningShare: {
      label: 'Returning share',
      definition: 'Buyers who had bought before the period ÷ buyers.',
    },
    dormant: {
      label: 'Dormant',
      definition: (days) =>
        `Members whose last purchase is more than ${days} days before the period end (blocked included).`,
    },
    reactivated: {
      label: 'Reactivated',
      definition: (days) =>
        `Buyers in the period whose previous purchase was more than ${days} days before.`,
    },
  },
  ltv: {
    title: '12-month LTV (spend per buyer)',
    definition:
      "Mean and median of each buyer's total spend in the 12 months ending the period end (yen).",
    mean: 'Mean',
    median: 'Median',
    buyers: (n) => `${n.toLocaleString('en-US')} buyers`,
    window: (from, to) => `${from} – ${to}`,
    trend: '12-month LTV at each month end',
    trendSummary: (points) => `12-month LTV by month end: ${points}`,
    monthEnd: 'Month end',
    shortMonth: (month) => month.slice(2).replace('-', '/'),
  },
  cohorts: {
    title: 'Retention by first-purchase month (cohorts)',
    definition:
      'Share of each first-purchase month who bought again k months later; month 0 is the first month.',
    cohort: 'First purchase',
    size: 'Members',
    monthsSince: (k) => (k === 0 ? 'Month 0' : `+${k}`),
    shortMonthsSince: (k) => `${k}`,
    cell: (retained, size) => `${retained} of ${size}`,
    empty: 'No first purchases in the last 12 months.',
    curve: 'Average retention by months since first purchase',
    curveDefinition: 'All cohorts that reached that month together, weighted by size.',
    curveSummary: (points) => `Average retention by months since first purchase: ${points}`,
    rate: 'Retention',
  },
  rfm: {
    title: 'RFM (days since last purchase × purchases)',
    definition:
      'Members and their total spend by recency and purchase count today. A cell opens that segment.',
    recency: 'Last purchase',
    frequency: 'Purchases',
    members: 'Members',
    revenue: 'Total spend',
    recencyBands: {
      '0-30': '≤ 30 days',
      '31-90': '31–90 days',
      '91-180': '91–180 days',
      '181-365': '181–365 days',
      '366+': '366+ days',
    },
    frequencyBands: { '1': '1', '2': '2', '3-4': '3–4', '5-9': '5–9', '10+': '10+' },
    open: (recency, frequency, members) =>
      `Last purchase ${recency}, ${frequency} purchases: ${members} (open segment)`,
    segmentName: (recency, frequency) => `RFM ${recency} · ${frequency}`,
    empty: 'No purchases recorded yet.',
  },
  csvColumns: {
    figure: 'Figure',
    current: 'Period',
    previous: 'Previous period',
    definition: 'Definition',
    to: 'As of',
    month: 'First purchase',
  },
}
