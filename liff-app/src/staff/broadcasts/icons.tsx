import { icon } from '../../ui/icons.tsx'

/** Icons the broadcast screens need beyond ui/icons.tsx (same 24 × 24 stroke style). */
export const MegaphoneIcon = /* @__PURE__ */ icon(
  'M3 10v4a1 1 0 0 0 1 1h2l5 4V5L6 9H4a1 1 0 0 0-1 1zM15 8.5a4 4 0 0 1 0 7M18 6a7.5 7.5 0 0 1 0 12',
)
export const ArrowUpIcon = /* @__PURE__ */ icon('M12 19V5M6 11l6-6 6 6')
export const ArrowDownIcon = /* @__PURE__ */ icon('M12 5v14M6 13l6 6 6-6')
export const PauseIcon = /* @__PURE__ */ icon('M8 5v14M16 5v14')
export const PlayIcon = /* @__PURE__ */ icon('M7 5l12 7-12 7z')
export const StopIcon = /* @__PURE__ */ icon('M6 6h12v12H6z')
