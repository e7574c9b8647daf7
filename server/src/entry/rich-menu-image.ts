import { existsSync } from 'node:fs'
import { Resvg } from '@resvg/resvg-js'
import {
  RICH_MENU_HEADER_HEIGHT,
  RICH_MENU_HEIGHT,
  RICH_MENU_WIDTH,
  tileCard,
  type RichMenuTile,
} from '../domain/richmenu/rich-menu.ts'

/** Japanese fonts looked for when JOREN_CJK_FONT does not name one (Debian, macOS, Windows). */
export const CJK_FONT_CANDIDATES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc',
  '/System/Library/Fonts/ヒラギノ角ゴシック W6.ttc',
  '/System/Library/Fonts/Hiragino Sans GB.ttc',
  'C:\\Windows\\Fonts\\YuGothB.ttc',
  'C:\\Windows\\Fonts\\meiryob.ttc',
  'C:\\Windows\\Fonts\\msgothic.ttc',
]

export class NoCjkFontError extends Error {}

/** The Japanese font file: JOREN_CJK_FONT when set (it must exist), else the first candidate found. */
export function findCjkFont(
  env: Record<string, string | undefined>,
  exists: (path: string) => boolean = existsSync,
): string {
  const configured = env.JOREN_CJK_FONT?.trim()
  if (configured) {
    if (exists(configured)) return configured
    throw new NoCjkFontError(
      `JOREN_CJK_FONT に指定されたフォントファイルが見つかりません: ${configured}`,
    )
  }
  const found = CJK_FONT_CANDIDATES.find((path) => exists(path))
  if (found) return found
  throw new NoCjkFontError(
    '日本語フォントが見つかりません。Debian / Ubuntu では `apt-get install fonts-noto-cjk` を実行するか、' +
      'JOREN_CJK_FONT に日本語フォント（.ttf / .otf / .ttc）のパスを指定してください。',
  )
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** #rgb / #rrggbb, or the default when it is not a colour. */
export function normaliseColour(value: string | undefined, fallback = '#1f6f5c'): string {
  const v = value?.trim() ?? ''
  if (/^#[0-9a-f]{6}$/i.test(v)) return v.toLowerCase()
  if (/^#[0-9a-f]{3}$/i.test(v))
    return `#${[...v.slice(1)].map((c) => c + c).join('')}`.toLowerCase()
  return fallback
}

/** The menu as SVG: the shop's name on a band of its colour, six white cards with the labels. */
export function richMenuSvg(input: {
  shopName: string
  colour: string
  tiles: RichMenuTile[]
  subtitle?: string
}): string {
  const colour = normaliseColour(input.colour)
  const font = `'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', 'Meiryo', sans-serif`
  const gap = 18
  const cards = input.tiles
    .map((tile, i) => {
      const c = tileCard(i)
      const x = c.x + gap
      const y = c.y + gap
      const w = c.width - gap * 2
      const h = c.height - gap * 2
      const cx = x + w / 2
      return [
        `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="36" fill="#ffffff"/>`,
        `<circle cx="${cx}" cy="${y + h * 0.3}" r="${Math.round(h * 0.15)}" fill="${colour}"/>`,
        `<text x="${cx}" y="${y + h * 0.3 + 40}" font-size="110" fill="#ffffff" text-anchor="middle" font-weight="700">${escapeXml(Array.from(tile.label)[0] ?? '')}</text>`,
        `<text x="${cx}" y="${y + h * 0.66}" font-size="120" fill="#1a1a1a" text-anchor="middle" font-weight="700">${escapeXml(tile.label)}</text>`,
        `<text x="${cx}" y="${y + h * 0.84}" font-size="58" fill="#555555" text-anchor="middle">${escapeXml(tile.caption)}</text>`,
      ].join('')
    })
    .join('')
  const title = input.subtitle ? `${input.shopName}\u3000${input.subtitle}` : input.shopName
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${RICH_MENU_WIDTH}" height="${RICH_MENU_HEIGHT}" viewBox="0 0 ${RICH_MENU_WIDTH} ${RICH_MENU_HEIGHT}" font-family="${font}">` +
    `<rect width="100%" height="100%" fill="${colour}"/>` +
    `<rect y="${RICH_MENU_HEADER_HEIGHT}" width="100%" height="${RICH_MENU_HEIGHT - RICH_MENU_HEADER_HEIGHT}" fill="#f2f2f2"/>` +
    `<text x="60" y="${RICH_MENU_HEADER_HEIGHT / 2 + 30}" font-size="84" fill="#ffffff" font-weight="700">${escapeXml(title)}</text>` +
    cards +
    `</svg>`
  )
}

/** Renders SVG to PNG with resvg and only the given font (no system font scan: the same everywhere). */
export function renderSvgPng(svg: string, fontFile: string, width?: number): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { fontFiles: [fontFile], loadSystemFonts: false, defaultFontFamily: 'Noto Sans CJK JP' },
    ...(width ? { fitTo: { mode: 'width' as const, value: width } } : {}),
  })
  return resvg.render().asPng()
}

export function renderRichMenuPng(input: {
  shopName: string
  colour: string
  tiles: RichMenuTile[]
  subtitle?: string
  fontFile: string
}): Uint8Array {
  return renderSvgPng(richMenuSvg(input), input.fontFile)
}
