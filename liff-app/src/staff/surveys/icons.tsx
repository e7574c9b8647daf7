import { icon } from '../../ui/icons.tsx'

/** The survey nav icon: a clipboard with lines. */
export const SurveyIcon = /* @__PURE__ */ icon(
  'M9 4h6v3H9zM9 5.5H6a1 1 0 0 0-1 1V20a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V6.5a1 1 0 0 0-1-1h-3M8.5 12l1.5 1.5 3-3M8.5 17h7',
)
