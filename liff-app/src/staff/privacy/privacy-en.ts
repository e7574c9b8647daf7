import type { PrivacyMessages } from './privacy-ja.ts'

/** The console's data-rights texts in English. */
export const privacyEn: PrivacyMessages = {
  card: {
    title: 'Personal data (APPI)',
    intro:
      'For a customer asking to see or delete their data. Exports and deletions are kept in the audit log.',
    exportJson: 'Export everything (JSON)',
    exportCsv: 'Export as CSV',
    table: 'Table',
    tables: {
      profile: 'Profile',
      purchases: 'Purchases',
      points: 'Points history',
      stamps: 'Stamps history',
      coupons: 'Coupons',
      surveyAnswers: 'Survey answers',
      conversation: 'Chat',
      faqQuestions: 'FAQ questions',
      journeys: 'Journeys',
      referrals: 'Referrals',
      consent: 'News preference',
      agreements: 'Agreements',
      attributes: 'Attributes',
      tags: 'Tags',
      notes: 'Staff notes',
    },
    downloaded: 'Exported',
    eraseTitle: 'Delete personal data',
    eraseHelp:
      'Removes the name, LINE ID, profile, chat, free-text answers, notes and more, and never messages this person again. Purchase amounts and point figures stay as unnamed records. This cannot be undone.',
    confirmLabel: 'Type the member number (10 digits) to confirm',
    erase: 'Delete personal data',
    erasing: 'Deleting…',
    erased: (n: number) =>
      n > 0 ? `Personal data deleted (${n} waiting message(s) cancelled)` : 'Personal data deleted',
    alreadyErased: (date: string) => `Personal data deleted on ${date}`,
  },
  docs: {
    title: 'Privacy policy and terms',
    intro:
      'Shown in the member mini-app and agreed to at registration. State the purpose of use (required by the APPI). After a change, members are asked to agree again.',
    privacyPolicy: 'Privacy policy',
    terms: 'Terms of use',
    version: (v: string) => `Version: ${v}`,
    save: 'Save',
    saving: 'Saving…',
    saved: 'Privacy policy and terms saved',
    readOnly: 'Only an owner can edit these.',
  },
  shopExport: {
    title: "Export the shop's data",
    intro: 'CSV per table (opens in Excel), for a backup or moving to another tool.',
    tables: {
      members: 'Members',
      purchases: 'Purchases',
      points: 'Points history',
      coupons: 'Coupons',
      responses: 'Survey answers',
    },
  },
}
