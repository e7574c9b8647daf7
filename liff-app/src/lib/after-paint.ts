/**
 * Resolves once the browser has painted what is on screen now (the skeleton), so that heavier
 * work (the LIFF SDK) never delays the first paint. A hidden tab gets no frames: a timer backs it.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve))
    setTimeout(resolve, 150)
  })
}
