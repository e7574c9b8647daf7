/** `1234567890` → `1234 5678 90`, easier to read aloud at the register. */
export function formatMemberNumber(value: string): string {
  return value.replace(/(\d{4})(?=\d)/g, '$1 ')
}
