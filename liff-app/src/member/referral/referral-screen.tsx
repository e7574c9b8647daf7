import type { MyReferrals } from '@joren/shared'
import { useState } from 'preact/hooks'
import { referralEn } from '../../i18n/referral-en.ts'
import { referralJa, type ReferralMessages } from '../../i18n/referral-ja.ts'
import { formatDate } from '../../lib/format.ts'
import { sharePicker, type ShareMessage } from '../../lib/share-picker.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorView } from '../components/error-view.tsx'
import { QrCode } from '../components/qr-code.tsx'
import { locale } from '../messages.ts'
import { lastClaim } from '../referral-claim.ts'
import type { ScreenProps } from '../screen-props.ts'

/** The invitation card the picker sends: the shop's offer and a button to the referral link. */
export function invitationCard(data: MyReferrals, m: ReferralMessages): ShareMessage {
  const body = [
    { type: 'text', text: data.card.title, weight: 'bold', size: 'lg', wrap: true },
    { type: 'text', text: data.card.text, size: 'sm', wrap: true, margin: 'md' },
    { type: 'text', text: data.offer, size: 'xs', color: '#666666', wrap: true, margin: 'md' },
  ]
  return {
    type: 'flex',
    altText: m.cardAlt(data.shopName, data.card.title),
    contents: {
      type: 'bubble',
      ...(data.card.imageUrl
        ? {
            hero: {
              type: 'image',
              url: data.card.imageUrl,
              size: 'full',
              aspectRatio: '20:13',
              aspectMode: 'cover',
            },
          }
        : {}),
      body: { type: 'box', layout: 'vertical', contents: body },
      footer: {
        type: 'box',
        layout: 'vertical',
        contents: [
          {
            type: 'button',
            style: 'primary',
            color: '#06C755',
            action: { type: 'uri', label: m.cardButton, uri: data.link },
          },
        ],
      },
    },
  }
}

type ShareState = 'idle' | 'sharing' | 'shared' | 'unavailable' | 'copied' | 'copyFailed'

/**
 * 友だち紹介: the member's link shared through LINE's picker as a Flex invitation card — or, where
 * the picker is not offered, copied or shown as a QR code — and the member's referrals. A
 * newcomer who arrived by a referral link sees what their claim answered.
 */
export default function ReferralScreen({ api, config, session }: ScreenProps) {
  const m = locale() === 'en' ? referralEn : referralJa
  const [state, setState] = useState<ShareState>('idle')
  const mine = useResource(
    (signal) => api.get<MyReferrals>('/api/liff/referrals', { signal }),
    'referrals',
  )
  const claim = lastClaim()
  if (mine.error && !mine.data)
    return <ErrorView error={mine.error} config={config} onRetry={mine.reload} />
  const data = mine.data
  if (!data)
    return (
      <div class="page">
        <div class="skel" style={{ height: 200 }} />
      </div>
    )

  const share = async () => {
    if (!data.link) return
    setState('sharing')
    const picker = await sharePicker(session).catch(() => null)
    if (!picker) return setState('unavailable')
    try {
      setState((await picker.share([invitationCard(data, m)])) === 'sent' ? 'shared' : 'idle')
    } catch {
      setState('unavailable')
    }
  }
  const copy = async () => {
    if (!data.link) return
    try {
      await navigator.clipboard.writeText(data.link)
      setState('copied')
    } catch {
      setState('copyFailed')
    }
  }
  const note: Partial<Record<ShareState, string>> = {
    sharing: m.sharing,
    shared: m.shared,
    unavailable: m.pickerUnavailable,
    copied: m.copied,
    copyFailed: m.copyFailed,
  }

  return (
    <div class="page referral">
      {claim && (
        <section class="notice" data-testid="referral-claim" aria-label={m.claimTitle}>
          <p class="notice-body">{claim.message}</p>
        </section>
      )}
      {!data.enabled || !data.link || !data.code ? (
        <p class="muted">{m.off}</p>
      ) : (
        <section class="panel" aria-label={data.card.title}>
          <h1 class="page-title">{data.card.title}</h1>
          <p>{m.lead}</p>
          <p class="muted">{data.offer}</p>
          <button class="btn btn-block btn-line" type="button" onClick={() => void share()}>
            {m.share}
          </button>
          {note[state] && (
            <p class="muted" role="status">
              {note[state]}
            </p>
          )}
          {(state === 'unavailable' || state === 'copied' || state === 'copyFailed') && (
            <div class="referral-fallback" data-testid="referral-fallback">
              <p class="muted">{m.yourLink}</p>
              <p class="referral-link">{data.link}</p>
              <button class="btn btn-block" type="button" onClick={() => void copy()}>
                {m.copy}
              </button>
              <div class="qr-frame">
                <QrCode value={data.link} label={m.qr} />
              </div>
            </div>
          )}
        </section>
      )}
      <h2 class="points-history-title">{m.list}</h2>
      {data.referrals.length === 0 ? (
        <p class="muted">{m.empty}</p>
      ) : (
        <>
          <p class="muted">{m.rewarded(data.rewardedCount)}</p>
          <ul class="points-history" data-testid="referral-list">
            {data.referrals.map((r) => (
              <li key={r.id}>
                <span>
                  <strong>{r.name}</strong>
                  <span class="muted"> {formatDate(r.claimedAt, locale())}</span>
                  {r.reward && <span class="muted"> · {m.earned(r.reward.label)}</span>}
                </span>
                <span class={r.status === 'rewarded' ? 'points-plus' : 'muted'}>
                  {m.status[r.status]}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
