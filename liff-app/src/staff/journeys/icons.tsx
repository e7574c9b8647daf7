import { icon } from '../../ui/icons.tsx'

/** A path with stops: the journeys entry in the navigation (24 × 24 stroke style). */
export const JourneyIcon = /* @__PURE__ */ icon(
  'M6 19a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM18 9a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM8 17h7a3 3 0 0 0 0-6H9a3 3 0 0 1 0-6h7',
)
