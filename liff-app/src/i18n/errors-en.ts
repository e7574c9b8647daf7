import type { ErrorMessages } from './errors-ja.ts'

/** What the member app says when something fails, in English. */
export const errorsEn: ErrorMessages = {
  reload: 'Reload',
  retry: 'Try again',
  networkTitle: 'No connection',
  networkBody: 'Move to a place with a better signal and try again.',
  serverTitle: 'Something went wrong',
  serverBody: 'Please wait a moment and try again.',
  authTitle: 'Your sign-in has expired',
  authBody: 'Please sign in again.',
  login: 'Sign in again',
  notFoundTitle: 'Page not found',
  notFoundBody: 'The address may have changed.',
  backHome: 'Back to menu',
  setupTitle: 'This app is not ready yet',
  setupBody: 'The shop has not finished setting it up (no LIFF ID). Please let the staff know.',
  sandboxTitle: 'Open this from the sandbox',
  sandboxBody:
    'In the sandbox, pick a test customer on the sandbox chat page and open the app from there.',
  openSandbox: 'Open the sandbox',
  notFriendTitle: 'Add us as a friend',
  notFriendBody: (shop) =>
    `To use the member card, add ${shop ? `"${shop}"` : "the shop's account"} as a friend on LINE. If you blocked the account, unblock it.`,
  addFriend: 'Add friend',
  afterAdding: 'When you have added us, come back here and reload.',
  noAddFriendLink: "Find the shop's account in LINE and add it as a friend.",
}
