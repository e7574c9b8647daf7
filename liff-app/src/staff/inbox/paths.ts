/** The support API's paths, in one place (shared/src/api/support.ts describes each). */
const INBOX = '/api/staff/inbox'

export const paths = {
  conversations: `${INBOX}/conversations`,
  conversation: (id: number) => `${INBOX}/conversations/${id}`,
  context: (id: number) => `${INBOX}/conversations/${id}/context`,
  read: (id: number) => `${INBOX}/conversations/${id}/read`,
  status: (id: number) => `${INBOX}/conversations/${id}/status`,
  assignee: (id: number) => `${INBOX}/conversations/${id}/assignee`,
  reply: (id: number) => `${INBOX}/conversations/${id}/reply`,
  updates: `${INBOX}/updates`,
  staff: `${INBOX}/staff`,
  canned: `${INBOX}/canned-replies`,
  cannedOne: (id: number) => `${INBOX}/canned-replies/${id}`,
  alerts: '/api/staff/alerts',
  resolveAlert: (id: number) => `/api/staff/alerts/${id}/resolve`,
  alertPrefs: '/api/staff/me/alert-prefs',
} as const
