import type { StaffMessagingMessages } from './staff-messaging-ja.ts'

export const staffMessagingEn: StaffMessagingMessages = {
  title: 'Messaging',
  intro:
    'Push messages count against your LINE plan’s monthly free messages (200 on the free plan). When they run out, broadcasts stop too, so keep only the automatic messages you need.',
  who: 'Who gets news (broadcasts and journeys)',
  whoOptions: { everyone: 'Every friend (recommended)', opt_in: 'Only members who opted in' },
  whoHelp: {
    everyone:
      'Adding the shop as a friend is consent to hear from it. Blocked members and members who chose “no news” in the mini-app get nothing.',
    opt_in:
      'Only members who chose to receive news in the mini-app get it. A member’s “no news” choice is kept either way.',
  },
  automatic: 'Automatic messages',
  receipt: 'Purchase receipt',
  receiptOptions: { off: 'Off', on: 'Every purchase', changed: 'Only when points or tier changed' },
  receiptCost: 'One message per visit (uses your monthly free messages)',
  receiptHelp:
    'Members can always see their points and purchases in the mini-app. On the free plan, “Off” is recommended.',
  tierUp: 'Tier-up note',
  tierUpCost:
    'One message per tier-up (inside the receipt when one is sent; uses your monthly free messages)',
  stampReward: 'Stamp card completed (with the reward coupon)',
  stampRewardCost: 'One message per completed card (uses your monthly free messages)',
  referralNote: 'Referral messages are switched in Referrals (two messages per referral).',
  replyNote: 'Replies are free and always sent, whatever these settings say.',
  save: 'Save',
  saving: 'Saving…',
  saved: 'Messaging settings saved',
  readOnly: 'Only owners and admins can change settings.',
  reachTitle: (segment: number, reachable: number) =>
    `${reachable.toLocaleString('en-US')} of ${segment.toLocaleString('en-US')} can be reached`,
  reachAll: (segment: number) => `All ${segment.toLocaleString('en-US')} can be reached`,
  reachCapNote: 'No weekly cap per customer is set (see the contact policy).',
}
