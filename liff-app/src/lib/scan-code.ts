/** LINE's QR scanner (inside the LINE app only); the module loads on first use. */
export async function scanCode(): Promise<string | null> {
  const [{ liff }, { default: ScanCodeV2 }] = await Promise.all([
    import('./liff-sdk.ts'),
    import('@line/liff/scan-code-v2'),
  ])
  liff.use(new ScanCodeV2())
  const result = await liff.scanCodeV2()
  return result.value ?? null
}

/** True where scanCodeV2 works: a LIFF session opened inside the LINE app. */
export async function canScan(kind: 'liff' | 'sandbox'): Promise<boolean> {
  if (kind !== 'liff') return false
  const { liff } = await import('./liff-sdk.ts')
  return liff.isInClient()
}
