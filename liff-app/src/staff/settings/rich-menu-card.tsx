import type { RichMenuPublished, RichMenuView } from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { readApiError } from '../../lib/api-error.ts'
import { useResource } from '../../lib/use-resource.ts'
import { ErrorPanel } from '../components/error-panel.tsx'
import { useStaff } from '../context.ts'
import { locale } from '../messages.ts'

const ja = {
  title: 'リッチメニュー',
  lead: 'トーク画面の下に出るメニュー（会員証・クーポン・ポイント・アンケート・友だち紹介・お問い合わせ）を、店舗名と色で作って LINE に設定します。前のメニューは置き換わります。',
  colour: 'メニューの色',
  create: 'リッチメニューを作成',
  drawing: '画像を作成中…',
  preview: 'プレビュー',
  confirm: 'この画像で LINE に設定する',
  cancel: 'やめる',
  publishing: 'LINE に設定中…',
  published: 'リッチメニューを LINE に設定しました',
  last: (at: string) => `最後に設定: ${at}`,
  size: (kb: number) => `画像 ${kb} KB（上限 1,024 KB）`,
  tooLarge: (kb: number) =>
    `画像が ${kb} KB になり、LINE の上限（1 MB）を超えました。店舗名を短くするか、別の色でお試しください。`,
  noCanvas: 'このブラウザでは画像を作成できませんでした。別のブラウザでお試しください。',
  failed: 'リッチメニューを設定できませんでした',
}
const en: typeof ja = {
  title: 'Rich menu',
  lead: 'The menu under the chat (card, coupons, points, survey, referral, contact), drawn with the shop name and colour and set on LINE. It replaces the previous one.',
  colour: 'Menu colour',
  create: 'Create the rich menu',
  drawing: 'Drawing…',
  preview: 'Preview',
  confirm: 'Set this image on LINE',
  cancel: 'Cancel',
  publishing: 'Setting on LINE…',
  published: 'The rich menu is set on LINE',
  last: (at: string) => `Last set: ${at}`,
  size: (kb: number) => `Image ${kb} KB (limit 1,024 KB)`,
  tooLarge: (kb: number) =>
    `The image is ${kb} KB, over LINE's 1 MB limit. Try a shorter shop name or another colour.`,
  noCanvas: 'This browser could not draw the image. Please try another browser.',
  failed: 'The rich menu could not be set',
}
const text = () => (locale() === 'en' ? en : ja)

const FONT = `'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Yu Gothic', 'Meiryo', 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif`

/** Draws the menu like `npm run richmenu` does: the name on a band of the colour, six cards. */
export async function drawRichMenu(view: RichMenuView, colour: string): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = view.width
  canvas.height = view.height
  const g = canvas.getContext('2d')
  if (!g) throw new Error(text().noCanvas)
  g.fillStyle = colour
  g.fillRect(0, 0, view.width, view.height)
  g.fillStyle = '#f2f2f2'
  g.fillRect(0, view.headerHeight, view.width, view.height - view.headerHeight)
  g.textBaseline = 'middle'
  g.fillStyle = '#ffffff'
  g.font = `700 84px ${FONT}`
  g.textAlign = 'left'
  g.fillText(view.shopName, 60, view.headerHeight / 2, view.width - 120)
  const gap = 18
  g.textAlign = 'center'
  for (const tile of view.tiles) {
    const x = tile.card.x + gap
    const y = tile.card.y + gap
    const w = tile.card.width - gap * 2
    const h = tile.card.height - gap * 2
    const cx = x + w / 2
    g.fillStyle = '#ffffff'
    g.beginPath()
    g.roundRect(x, y, w, h, 36)
    g.fill()
    g.fillStyle = colour
    g.beginPath()
    g.arc(cx, y + h * 0.3, Math.round(h * 0.15), 0, Math.PI * 2)
    g.fill()
    g.fillStyle = '#ffffff'
    g.font = `700 110px ${FONT}`
    g.fillText(Array.from(tile.label)[0] ?? '', cx, y + h * 0.3)
    g.fillStyle = '#1a1a1a'
    g.font = `700 120px ${FONT}`
    g.fillText(tile.label, cx, y + h * 0.62, w - 40)
    g.fillStyle = '#555555'
    g.font = `400 58px ${FONT}`
    g.fillText(tile.caption, cx, y + h * 0.82, w - 40)
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  if (!blob) throw new Error(text().noCanvas)
  return blob
}

/** 「リッチメニューを作成」 in the settings (owner and admin): draw, preview, confirm, publish. */
export function RichMenuCard() {
  const { api, can } = useStaff()
  const view = useResource(
    (signal) => api.get<RichMenuView>('/api/staff/rich-menu', { signal }),
    'rich-menu',
  )
  if (!can('settings.write')) return null
  if (view.error && !view.data) return <ErrorPanel error={view.error} onRetry={view.reload} />
  if (!view.data) return <span class="skel" style="height:120px" />
  return <RichMenuForm view={view.data} onPublished={view.reload} />
}

function RichMenuForm(props: { view: RichMenuView; onPublished(): void }) {
  const { session, toast } = useStaff()
  const m = text()
  const [colour, setColour] = useState(props.view.colour)
  const [image, setImage] = useState<{ blob: Blob; url: string } | null>(null)
  const [busy, setBusy] = useState<'drawing' | 'publishing' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState(false)

  useEffect(() => () => image && URL.revokeObjectURL(image.url), [image])

  const draw = async () => {
    setError(null)
    setDone(false)
    setBusy('drawing')
    try {
      await document.fonts.ready
      const blob = await drawRichMenu(props.view, colour)
      if (blob.size > props.view.maxBytes) {
        setError(m.tooLarge(Math.ceil(blob.size / 1024)))
        return
      }
      setImage({ blob, url: URL.createObjectURL(blob) })
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure))
    } finally {
      setBusy(null)
    }
  }

  const publish = async () => {
    if (!image) return
    setError(null)
    setBusy('publishing')
    try {
      const response = await fetch(`/api/staff/rich-menu?colour=${encodeURIComponent(colour)}`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${await session.idToken()}`,
          'content-type': 'image/png',
        },
        body: image.blob,
      })
      if (!response.ok) throw await readApiError(response)
      ;(await response.json()) as RichMenuPublished
      setImage(null)
      setDone(true)
      toast(m.published)
      props.onPublished()
    } catch (failure) {
      setError(`${m.failed}: ${failure instanceof Error ? failure.message : String(failure)}`)
    } finally {
      setBusy(null)
    }
  }

  const last = props.view.published
  return (
    <section class="card stack" data-testid="rich-menu">
      <h2>{m.title}</h2>
      <p class="muted">{m.lead}</p>
      {last && (
        <p class="muted" data-testid="rich-menu-last">
          {m.last(new Date(last.publishedAt).toLocaleString(locale() === 'en' ? 'en' : 'ja-JP'))}
        </p>
      )}
      <label class="field-label" for="rich-menu-colour">
        {m.colour}
      </label>
      <input
        id="rich-menu-colour"
        type="color"
        value={colour}
        onInput={(e) => {
          setColour(e.currentTarget.value)
          setImage(null)
        }}
      />
      {done && (
        <p role="status" data-testid="rich-menu-done">
          {m.published}
        </p>
      )}
      {error && (
        <p role="alert" class="field-error" data-testid="rich-menu-error">
          {error}
        </p>
      )}
      {image ? (
        <div class="stack" data-testid="rich-menu-preview">
          <h3>{m.preview}</h3>
          <img
            src={image.url}
            alt={m.preview}
            width={props.view.width}
            height={props.view.height}
            style="width:100%;height:auto;border-radius:8px"
          />
          <p class="muted">{m.size(Math.ceil(image.blob.size / 1024))}</p>
          <div class="row">
            <button
              class="btn btn-primary"
              type="button"
              disabled={busy !== null}
              onClick={() => void publish()}
            >
              {busy === 'publishing' ? m.publishing : m.confirm}
            </button>
            <button
              class="btn"
              type="button"
              disabled={busy !== null}
              onClick={() => setImage(null)}
            >
              {m.cancel}
            </button>
          </div>
        </div>
      ) : (
        <button
          class="btn btn-primary"
          type="button"
          disabled={busy !== null}
          onClick={() => void draw()}
        >
          {busy === 'drawing' ? m.drawing : m.create}
        </button>
      )}
    </section>
  )
}
