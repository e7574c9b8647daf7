/**
 * A realistic coupon card as a shop sends it (hero, body with baseline rows, separator, footer
 * buttons), with a quick reply. Used by the renderer's unit test and the sandbox page's browser
 * test; not part of the bundle.
 */
export const COUPON_BUBBLE = {
  type: 'bubble',
  size: 'kilo',
  hero: {
    type: 'image',
    url: 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 13"%3E%3Crect width="20" height="13" fill="%23ffb84d"/%3E%3C/svg%3E',
    size: 'full',
    aspectRatio: '20:13',
    aspectMode: 'cover',
  },
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'md',
    contents: [
      { type: 'text', text: 'COUPON', size: 'xs', weight: 'bold', color: '#06c755' },
      {
        type: 'text',
        text: '次回ご来店で使える\n10% OFF クーポン',
        size: 'xl',
        weight: 'bold',
        wrap: true,
      },
      {
        type: 'box',
        layout: 'baseline',
        spacing: 'sm',
        contents: [
          { type: 'text', text: '有効期限', size: 'sm', color: '#aaaaaa', flex: 2 },
          {
            type: 'text',
            text: '2025年12月31日まで',
            size: 'sm',
            color: '#666666',
            flex: 5,
            wrap: true,
          },
        ],
      },
      { type: 'separator', margin: 'lg' },
      {
        type: 'box',
        layout: 'horizontal',
        margin: 'lg',
        contents: [
          { type: 'text', text: 'クーポンコード', size: 'sm', color: '#aaaaaa', flex: 0 },
          { type: 'filler' },
          { type: 'text', text: 'WELCOME10', size: 'sm', weight: 'bold', align: 'end', flex: 0 },
        ],
      },
      { type: 'spacer', size: 'sm' },
    ],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    contents: [
      {
        type: 'button',
        style: 'primary',
        action: {
          type: 'postback',
          label: '今すぐ使う',
          data: 'action=help',
          displayText: 'クーポンを使います',
        },
      },
      {
        type: 'button',
        style: 'link',
        height: 'sm',
        action: { type: 'uri', label: '利用条件', uri: 'https://example.com/terms' },
      },
    ],
  },
  styles: { footer: { separator: true } },
} as const

export const COUPON_MESSAGE = {
  type: 'flex',
  altText: '10% OFF クーポンが届きました',
  contents: COUPON_BUBBLE,
  quickReply: {
    items: [
      { type: 'action', action: { type: 'message', label: 'ヘルプ', text: 'ヘルプ' } },
      { type: 'action', action: { type: 'postback', label: 'ポイント', data: 'action=help' } },
    ],
  },
} as const
