import { inlinePublicConfig } from '../lib/public-config.ts'
import { t } from './messages.ts'
import type { SkeletonKind } from './paths.ts'

/**
 * What paints before any data: the outline of the screen to come. It is in the entry chunk, so
 * the member card's outline is on screen before the LIFF SDK or the API has been touched.
 */
export function Skeleton({ kind }: { kind: SkeletonKind | undefined }) {
  // The page's inline config names the shop before sign-in, as the page's own shell does.
  const shop = kind === 'card' ? inlinePublicConfig()?.shopName : undefined
  return (
    <div class="page" aria-busy="true" data-skeleton={kind}>
      <span class="sr-only" role="status">
        {t().loading}
      </span>
      {kind === 'card' ? (
        <div class="member-card">
          <div class="card-band">
            <h1 class="card-label">{t().card.cardLabel}</h1>
            {shop ? (
              <span class="card-shop">{shop}</span>
            ) : (
              <span class="skel skel-on-green skel-title w60" />
            )}
          </div>
          <div class="card-body">
            <span class="qr-frame skel qr-skel" />
            <span class="skel w40 center" />
            <div class="card-holder">
              <span class="skel skel-title w60" />
              <span class="skel w40" />
            </div>
          </div>
        </div>
      ) : (
        <>
          <span class="skel skel-title w60" />
          <span class="skel block-skel" />
          <span class="skel block-skel" />
        </>
      )}
    </div>
  )
}
