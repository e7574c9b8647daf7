import type { JourneysMessages } from './journeys-ja.ts'

const n = (value: number) => value.toLocaleString('en-US')

export const journeysEn: JourneysMessages = {
  title: 'Journeys (automatic messages)',
  intro:
    'Send customers messages automatically at the right time after a follow, before a birthday, when they go quiet, after a purchase, when their usual buying cycle passes or on a tier up. Templates start switched off.',
  cost: {
    title: 'Cost',
    body: "Journey messages are pushes: each step counts as one message per customer against LINE's monthly quota (billed beyond the free messages). The welcome right after a follow is a free reply and is not part of a journey.",
    perMember: (steps: number) => `Up to ${n(steps)} per customer`,
    sent: (count: number) => `${n(count)} sent so far`,
  },
  policy: {
    title: 'Contact policy (journeys and broadcasts)',
    scope:
      'Applies to journeys and broadcasts alike: a broadcast sent in quiet hours goes when they end, and customers at the weekly cap are left out. Receipts and replies are never limited.',
    summary: (start: string, end: string, cap: number) =>
      `Nothing ${start}–${end} (sent at ${end}) · ${cap === 0 ? 'no weekly cap' : `at most ${n(cap)} a week per customer`}`,
    quietStart: 'Quiet hours from',
    quietEnd: 'Quiet hours until',
    weeklyCap: 'Weekly cap per customer (0 = none)',
    edit: 'Change',
    save: 'Save',
    cancel: 'Cancel',
    saved: 'Contact policy saved',
  },
  list: {
    empty: 'No journeys yet.',
    on: 'On',
    off: 'Off',
    switchLabel: (name: string) => `Send ${name}`,
    template: 'Template',
    entered: 'Entered',
    active: 'In progress',
    heldOut: 'Held out',
    converted: 'Converted',
  },
  enable: {
    title: 'Switch this journey on?',
    body: (name: string, steps: number) =>
      `Customers who match "${name}" will get pushes automatically (up to ${n(steps)} each, counted against the monthly quota). Quiet hours and the weekly cap apply.`,
    confirm: 'Switch on',
    enabled: (name: string) => `"${name}" is on`,
    disabled: (name: string) => `"${name}" is off`,
  },
  lift: {
    title: (days: number) =>
      `Lift (purchases within ${n(days)} days of entering, vs held-out customers)`,
    rates: (entered: string, heldOut: string) =>
      `Purchase rate: entered ${entered} / held out ${heldOut}`,
    difference: (diff: string, low: string, high: string) =>
      `Difference ${diff} pt (95% range ${low} to ${high})`,
    revenue: (yen: string) => `Revenue per customer difference ${yen}`,
    none: 'No customers to compare yet.',
  },
  steps: {
    caption: 'Results per step',
    step: 'Step',
    wait: 'Wait',
    entered: 'Reached',
    sent: 'Sent',
    skipped: 'Skipped',
    deferred: 'Deferred (night)',
    converted: 'Bought',
    number: (i: number) => `${i + 1}`,
  },
  wait: (days: number, hours: number, at: string | null) =>
    [
      days > 0 ? `${n(days)} d` : at === null && hours === 0 ? 'at once' : '',
      hours > 0 && at === null ? ` ${n(hours)} h` : '',
      at !== null ? ` at ${at}` : '',
    ]
      .join('')
      .trim(),
  trigger: (trigger) => {
    switch (trigger.kind) {
      case 'follow':
        return trigger.includeRefollow ? 'Follow (and re-follow)' : 'Follow'
      case 'birthday':
        return trigger.daysBefore === 0
          ? 'On the birthday'
          : `${n(trigger.daysBefore)} days before the birthday`
      case 'dormant':
        return `${n(trigger.days)} days without a purchase`
      case 'after_purchase':
        return trigger.minAmountYen === null
          ? 'After a purchase'
          : `After a purchase of ¥${n(trigger.minAmountYen)} or more`
      case 'purchase_cycle':
        return `Usual buying interval + ${n(trigger.marginDays)} days`
      case 'tier_up':
        return 'Tier up'
      case 'points_expiring':
        return `${n(trigger.daysBefore)} days before points expire`
      case 'coupon_expiring':
        return `${n(trigger.daysBefore)} days before an unused coupon expires`
      case 'tier_drop':
        return `${n(trigger.daysBefore)} days before the tier drops`
      case 'survey_low_score':
        return 'Low survey score, to staff'
      case 'survey_answered':
        return trigger.npsAtMost === null && trigger.ratingAtMost === null
          ? 'Survey answered'
          : 'Low survey score'
    }
  },
  reasons: {
    quiet_hours: 'quiet hours',
    frequency_cap: 'weekly cap',
    condition: 'condition',
    no_consent: 'no consent',
    coupon_unavailable: 'coupon unavailable',
    unknown: 'other',
  },
  editor: {
    edit: 'Edit',
    editLabel: (name: string) => `Edit ${name}`,
    newJourney: 'New journey',
    titleNew: 'Create a journey',
    titleEdit: 'Edit journey',
    back: 'Back to journeys',
    name: 'Name',
    trigger: 'Trigger',
    triggerKinds: {
      follow: 'Follow',
      birthday: 'Birthday',
      dormant: 'Dormant (no purchase for a while)',
      after_purchase: 'After a purchase',
      purchase_cycle: 'Past their usual buying interval',
      tier_up: 'Tier up',
      points_expiring: 'Points about to expire',
      coupon_expiring: 'Unused coupon about to expire',
      tier_drop: 'Tier about to drop (unless they buy)',
      survey_low_score: 'Low survey score (alert to staff)',
      survey_answered: 'Survey answered / low score',
    } as Record<string, string>,
    expiryDaysBefore: 'Days before the expiry',
    surveyTrigger: 'Survey',
    anySurvey: 'Any survey',
    npsAtMost: 'Only when the NPS is at most (0–10, empty = any)',
    ratingAtMost: 'Only when the rating is at most (1–5, empty = any)',
    lowScoreFromSurvey:
      "A low score is what each survey's own alert thresholds (NPS, rating) say. One answer raises one alert, shared with the survey's own alert.",
    includeRefollow: 'Also on a re-follow after a block',
    daysBefore: 'Days before the birthday (0 = on the day)',
    dormantDays: 'Days since the last purchase',
    minAmountYen: 'Only purchases from this amount (yen, empty = all)',
    categories: 'Only these categories (comma separated, empty = all)',
    marginDays: 'Days past the usual interval',
    minPurchases: 'Customers with at least this many purchases',
    goal: 'Goal',
    goalPurchase: 'A purchase ends it (nothing more is sent after a conversion)',
    goalNone: 'Send every step',
    goalDays: 'Measurement window (days)',
    holdout: 'Share held out to measure the effect (%)',
    priority: 'Priority (0–100, higher goes first when two are due)',
    steps: 'Steps',
    stepN: (i: number) => `Step ${i + 1}`,
    addStep: 'Add a step',
    removeStep: (i: number) => `Remove step ${i + 1}`,
    moveStepUp: (i: number) => `Move step ${i + 1} up`,
    moveStepDown: (i: number) => `Move step ${i + 1} down`,
    maxSteps: 'Up to 10 steps.',
    waitMode: 'When to send',
    waitAt: 'N days later at a set time (shop time)',
    waitAfter: 'N days and hours later',
    waitBase: (first: boolean) => (first ? 'after the trigger' : 'after the previous step'),
    days: 'days later',
    hours: 'hours later',
    at: 'Time',
    condition: 'Send to',
    conditions: {
      always: 'Everyone',
      purchased_since_start: 'Only customers who bought since it started',
      not_purchased_since_start: 'Only customers who have not bought since it started',
    } as Record<string, string>,
    messages: 'Messages',
    survey: 'Survey link (sent after the messages)',
    noSurvey: 'None',
    save: 'Save',
    saving: 'Saving…',
    saved: (name: string) => `Saved “${name}”`,
    fix: 'Please check the highlighted fields.',
    preview: 'See it as a member would',
    previewHelp:
      "Enter a member number to see the messages with that customer's name, points and tier filled in (nothing is sent and no coupon is issued).",
    memberNumber: 'Member number',
    showPreview: 'Show for this member',
    previewOf: (i: number) => `Preview of step ${i + 1}`,
    previewCoupon: (title: string) => `Coupon: ${title}`,
    previewEmpty: 'No messages.',
    notFound: 'Journey not found.',
  },
  timeline: {
    title: 'Journeys',
    empty: 'No journeys for this member yet.',
    step: (i: number) => `Step ${i + 1}`,
    kinds: {
      entered: 'Entered',
      held_out: 'Held out (not sent, for measuring)',
      sent: 'Sent',
      skipped: 'Skipped',
      deferred: 'Deferred',
      due: 'Due',
      exited: 'Ended',
      completed: 'Completed',
    },
    exitReasons: {
      converted: 'purchase',
      blocked: 'blocked',
      no_consent: 'no consent',
      left_audience: 'left the audience',
      journey_off: 'journey switched off',
    },
  },
}
