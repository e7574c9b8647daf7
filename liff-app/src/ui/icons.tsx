/** Stroke icons (24 × 24, currentColor). Each is its own export so a bundle keeps only its own. */
export function icon(d: string) {
  return function Icon({ size = 24 }: { size?: number }) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        <path d={d} />
      </svg>
    )
  }
}

export const CardIcon = /* @__PURE__ */ icon(
  'M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM3 10h18M7 15h4',
)
export const UserIcon = /* @__PURE__ */ icon(
  'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 20c0-3.3 3.6-6 8-6s8 2.7 8 6',
)
export const UsersIcon = /* @__PURE__ */ icon(
  'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 20c0-3.3 3.1-6 7-6s7 2.7 7 6M16 3.5a4 4 0 0 1 0 7.5M18 14c2.4.7 4 2.9 4 6',
)
export const UserPlusIcon = /* @__PURE__ */ icon(
  'M10 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM3 20c0-3.3 3.1-6 7-6 1.2 0 2.3.2 3.3.7M19 14v6M16 17h6',
)
export const ChevronRightIcon = /* @__PURE__ */ icon('M9 6l6 6-6 6')
export const ChevronLeftIcon = /* @__PURE__ */ icon('M15 6l-6 6 6 6')
export const RefreshIcon = /* @__PURE__ */ icon('M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6')
export const AlertIcon = /* @__PURE__ */ icon(
  'M12 8v5M12 16.5v.5M10.3 3.9 2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z',
)
export const CheckIcon = /* @__PURE__ */ icon('M5 12l5 5 9-10')
export const TagIcon = /* @__PURE__ */ icon('M3 12V4a1 1 0 0 1 1-1h8l9 9-9 9-9-9zM7.5 7.5h.01')
export const SlidersIcon = /* @__PURE__ */ icon(
  'M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1M15 4v4M9 10v4M17 16v4',
)
export const ListIcon = /* @__PURE__ */ icon('M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01')
export const SearchIcon = /* @__PURE__ */ icon('M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4')
export const PlusIcon = /* @__PURE__ */ icon('M12 5v14M5 12h14')
export const XIcon = /* @__PURE__ */ icon('M6 6l12 12M18 6 6 18')
export const MenuIcon = /* @__PURE__ */ icon('M4 7h16M4 12h16M4 17h16')
export const CopyIcon = /* @__PURE__ */ icon('M9 9h11v11H9zM5 15H4V4h11v1')
export const PencilIcon = /* @__PURE__ */ icon('M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4')
export const TrashIcon = /* @__PURE__ */ icon('M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3')
export const TicketIcon = /* @__PURE__ */ icon(
  'M3 8a2 2 0 0 0 0 4v4h18v-4a2 2 0 0 1 0-4V4H3zM13 4v2M13 10v2M13 16v0',
)
export const StarIcon = /* @__PURE__ */ icon(
  'M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z',
)
