import { icon } from '../../ui/icons.tsx'

/** The dashboard nav icon: a rising line over an axis. */
export const DashboardIcon = /* @__PURE__ */ icon('M4 4v16h16M7 15l4-4 3 3 5-6')
