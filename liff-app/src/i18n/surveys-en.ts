import type { SurveysMessages } from './surveys-ja.ts'

/** The member survey screens' messages in English. */
export const surveysEn: SurveysMessages = {
  title: 'Survey',
  homeTitle: 'Surveys',
  homeHint: 'Tell us what you think',
  answered: 'Answered',
  notAnswered: 'Not answered',
  reward: 'Thank-you coupon',
  noneOpen: 'There are no open surveys right now.',
  required: 'Required',
  optional: 'Optional',
  progress: (answered, total) => `${answered} of ${total} required questions answered`,
  progressLabel: 'Progress',
  chooseBetween: (min, max) =>
    max === null
      ? `Choose at least ${min}`
      : min === max
        ? `Choose ${min}`
        : `Choose ${min} to ${max}`,
  chooseUpTo: (max) => `Choose up to ${max}`,
  chooseAny: 'Choose all that apply',
  ratingValue: (n) => `${n}`,
  characters: (count, max) => `${count} / ${max} characters`,
  tooLong: (over) => `${over} characters too long`,
  clearDate: 'Clear the date',
  submit: 'Send my answers',
  sending: 'Sending…',
  fixErrors: (n) => `Please check your answers (${n})`,
  draftSaved: 'Your answers are saved for later',
  draftSaving: 'Saving…',
  draftFailed: 'Could not save for later (you can still send)',
  draftRestored: 'Your earlier answers are back',
  alreadyAnswered: 'You have already answered this survey',
  closed: 'This survey is closed',
  thanksTitle: 'Thank you for your answers',
  thanksBody: 'Your feedback helps us make the shop better.',
  rewardTitle: 'Here is a thank-you coupon',
  rewardLink: 'See the coupon',
  couponsLink: 'All coupons',
  backHome: 'Back to menu',
  sendFailed: 'Could not send. Check your connection and try again.',
}
