import type { CouponTemplateStats } from '@joren/shared'
import { formatDate } from '../../lib/format.ts'
import { locale } from '../messages.ts'
import { renderSample, type EditableMessage, type SampleMember } from './draft.ts'
import { broadcastText } from './messages.ts'

interface Props {
  messages: EditableMessage[]
  templates: CouponTemplateStats[]
  sample: SampleMember
  shopName: string
}

/** The messages as LINE bubbles, placeholders filled in for one sample member. */
export function ChatPreview({ messages, templates, sample, shopName }: Props) {
  const m = broadcastText().composer
  const coupon = messages.find((x) => x.type === 'coupon')
  const template =
    coupon?.type === 'coupon' ? templates.find((t) => t.id === coupon.templateId) : undefined
  const couponTitle = template?.title ?? null
  const shown = messages.filter((x) =>
    x.type === 'text' ? x.text.trim() !== '' : x.type === 'image' ? x.url.trim() !== '' : true,
  )
  return (
    <section class="bc-preview" aria-labelledby="bc-preview-title">
      <h2 id="bc-preview-title" class="section-title">
        {m.preview}
      </h2>
      <p class="muted small">{m.previewHelp(sample.name)}</p>
      <div class="bc-phone" role="group" aria-label={m.previewLog} data-testid="broadcast-preview">
        {shown.length === 0 ? (
          <p class="bc-phone-empty">{m.previewEmpty}</p>
        ) : (
          shown.map((message, index) => (
            <div class="bc-line" key={message.key}>
              {index === 0 ? (
                <span class="bc-avatar" aria-hidden="true">
                  {Array.from(shopName.trim() || '店')[0]}
                </span>
              ) : (
                <span class="bc-avatar-space" aria-hidden="true" />
              )}
              <div class="bc-line-body">
                {index === 0 && <span class="bc-sender">{shopName}</span>}
                {message.type === 'text' ? (
                  <p class="bc-bubble">{renderSample(message.text, sample, couponTitle)}</p>
                ) : message.type === 'image' ? (
                  <img class="bc-bubble-image" src={message.url.trim()} alt="" />
                ) : (
                  <CouponCard template={template} />
                )}
              </div>
            </div>
          ))
        )}
      </div>
    </section>
  )
}

function validity(template: CouponTemplateStats): string {
  const m = broadcastText().composer
  if (template.validity === 'days' && template.validDays !== null)
    return m.couponValidDays(template.validDays)
  if (template.validUntil !== null)
    return m.couponValidUntil(formatDate(template.validUntil, locale()))
  return m.couponCardUntil
}

function CouponCard({ template }: { template: CouponTemplateStats | undefined }) {
  const m = broadcastText().composer
  return (
    <div class="bc-coupon" data-testid="preview-coupon">
      {template?.imageUrl && <img class="bc-coupon-image" src={template.imageUrl} alt="" />}
      <div class="bc-coupon-body">
        <span class="bc-coupon-kind">COUPON</span>
        <strong class="bc-coupon-title">{template?.title ?? m.couponChoose}</strong>
        {template && (
          <span class="bc-coupon-value">{m.couponValue(template.kind, template.value)}</span>
        )}
        <span class="small muted">{template ? validity(template) : m.couponCardUntil}</span>
      </div>
      <span class="bc-coupon-button">{m.couponCardUse}</span>
    </div>
  )
}
