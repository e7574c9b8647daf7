import type { PrivacyMemberMessages } from './privacy-ja.ts'

/** The mini-app's privacy screen and registration agreement, in English. */
export const privacyEn: PrivacyMemberMessages = {
  title: 'Privacy policy and terms',
  privacyPolicy: 'Privacy policy',
  terms: 'Terms of use',
  agreedOn: (date: string) => `You agreed on ${date}`,
  agreeLabel: 'I agree to the privacy policy and the terms of use',
  agree: 'Agree',
  agreed: 'Your agreement has been recorded',
  mustAgree: 'Please agree to the privacy policy and the terms to register',
  readLink: 'Privacy policy, terms and deleting your data',
  deletionTitle: 'Delete your personal data',
  deletionHelp:
    'You can ask the shop to delete the personal data it keeps about you (name, LINE ID, profile, chat, survey answers and more). Once the shop deletes it, your remaining points, stamps and coupons can no longer be used, and you receive no messages until you add the account as a friend again.',
  requestDeletion: 'Ask to delete my personal data',
  confirmDeletion: 'Are you sure? The shop will receive your request.',
  sendRequest: 'Send the request',
  cancel: 'Cancel',
  sending: 'Sending…',
  requested: (date: string) => `You asked for deletion on ${date}. The shop will take care of it.`,
}
