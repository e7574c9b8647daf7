import type { ProfileMessages } from './profile-ja.ts'

/** The member profile form's messages in English. */
export const profileEn: ProfileMessages = {
  title: 'Profile',
  intro:
    'Tell us a little about you and we will send news and coupons that fit. Every field is optional.',
  birthday: 'Date of birth',
  birthdayHint: 'We may send you a treat in your birthday month',
  gender: 'Gender',
  genders: { female: 'Female', male: 'Male', other: 'Other', unspecified: 'Prefer not to say' },
  prefecture: 'Prefecture',
  choose: 'Choose',
  interests: 'Interests',
  interestsHint: 'Choose as many as you like',
  noInterests: 'The shop has not set up any yet',
  consentTitle: 'News and offers',
  consent: 'No news, please',
  consentHelp:
    'When on, we send no sales, coupons or new-arrival news (broadcasts and journeys). Replies to your questions still come. You can change this at any time; it applies at once.',
  consentSavedOff: 'News stopped',
  consentSavedOn: 'You will receive news again',
  save: 'Save',
  saving: 'Saving…',
  saved: 'Your profile has been saved',
  fix: 'Please check the highlighted fields',
  invalidBirthday: 'Enter a valid date of birth',
  invalidField: 'Please check this field',
}
