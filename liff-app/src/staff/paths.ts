/**
 * The staff console's paths, apart from the route table (routes.ts), which lazy-imports every
 * screen: screens link with `href` from here, so no screen imports the table that imports it.
 */
export const BASE = '/staff'

export const href = (path: string) => BASE + path
