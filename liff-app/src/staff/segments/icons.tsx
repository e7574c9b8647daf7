import { icon } from '../../ui/icons.tsx'

/** The segments nav icon: a funnel. */
export const SegmentsIcon = /* @__PURE__ */ icon('M4 5h16l-6 7.5V19l-4 1.5v-8z')
