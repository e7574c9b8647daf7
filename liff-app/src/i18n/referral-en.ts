import type { ReferralMessages } from './referral-ja.ts'

/** The member referral screen's messages in English. */
export const referralEn: ReferralMessages = {
  off: 'Referrals are not open at the moment.',
  lead: 'Introduce the shop to your friends.',
  share: 'Send to friends on LINE',
  sharing: 'Choosing who to send to…',
  shared: 'Invitation sent.',
  pickerUnavailable:
    'Sending from this screen is not available. Copy the link or show the QR code.',
  copy: 'Copy link',
  copied: 'Link copied.',
  copyFailed: 'Could not copy. Press and hold the link to copy it.',
  qr: 'Referral QR code',
  yourLink: 'Your referral link',
  list: 'Friends you referred',
  empty: 'No referrals yet.',
  rewarded: (n: number) => `Rewarded referrals: ${n}`,
  status: {
    invited: 'Invited',
    joined: 'Added us',
    rewarded: 'Rewarded',
    not_eligible: 'Not eligible',
    reversed: 'Cancelled',
  },
  earned: (label: string) => `Earned: ${label}`,
  claimTitle: 'Referral',
  addFriend: 'Add as a friend',
  cardButton: 'Add us and get your reward',
  cardAlt: (shop: string, title: string) => `From ${shop}: ${title}`,
}
