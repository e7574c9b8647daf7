import type { Session } from './session.ts'

/** A LINE message as the share target picker takes it (a Flex bubble here). */
export type ShareMessage = Record<string, unknown>

/** The part of the LIFF SDK the share needs: `liff.isApiAvailable` and `liff.shareTargetPicker`. */
interface LiffShare {
  isApiAvailable(api: 'shareTargetPicker'): boolean
  shareTargetPicker(
    messages: ShareMessage[],
    options?: { isMultiple?: boolean },
  ): Promise<{ status: 'success' } | false | undefined>
}

export interface SharePicker {
  /** Opens LINE's picker; 'sent' when the user sent it, 'cancelled' when they closed it. */
  share(messages: ShareMessage[]): Promise<'sent' | 'cancelled'>
}

function picker(liff: LiffShare): SharePicker | null {
  if (!liff.isApiAvailable('shareTargetPicker')) return null
  return {
    async share(messages) {
      const result = await liff.shareTargetPicker(messages, { isMultiple: true })
      return result && result.status === 'success' ? 'sent' : 'cancelled'
    },
  }
}

/**
 * LINE's share target picker where LINE offers it, or null (not in LINE, the picker not allowed
 * for this LIFF app): the caller falls back to the link and its QR code. In LIFF it is the SDK's
 * plugin, loaded only here; elsewhere (the sandbox) it is a `liff` object the host page provides,
 * if any — the same boundary, so a test can stand in for LINE's picker there and nowhere else.
 */
export async function sharePicker(session: Session): Promise<SharePicker | null> {
  if (session.kind === 'liff') {
    const [{ liff }, { default: ShareTargetPicker }, { default: IsApiAvailable }] =
      await Promise.all([
        import('./liff-sdk.ts'),
        import('@line/liff/share-target-picker'),
        import('@line/liff/is-api-available'),
      ])
    liff.use(new ShareTargetPicker())
    liff.use(new IsApiAvailable())
    return picker(liff as unknown as LiffShare)
  }
  const host = (globalThis as { liff?: Partial<LiffShare> }).liff
  return host?.isApiAvailable && host.shareTargetPicker ? picker(host as LiffShare) : null
}
