/** The segments nav icon (same 24 × 24 stroke style as ui/icons.tsx): a funnel. */
export function SegmentsIcon({ size = 24 }: { size?: number }) {
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
      <path d="M4 5h16l-6 7.5V19l-4 1.5v-8z" />
    </svg>
  )
}
