/**
 * Flex Message JSON → a small view tree with computed CSS, so that layout rules live in plain
 * functions a unit test can read and the Preact view (flex-view.tsx) only maps nodes to elements.
 * Covers what shops send (coupon cards, receipts, menus): bubbles and carousels; box, text (with
 * spans), image, icon, button, separator, spacer, filler, video (as its preview). Anything else is
 * reported in `unsupported`, and the page shows the message's altText beside it.
 * https://developers.line.biz/en/reference/messaging-api/#flex-message
 */
import { isRecord, readAction, stringOf, type ChatAction } from '../actions.ts'

/** CSS for Preact's `style` prop (camelCase keys). */
export type Style = Record<string, string>

export type Layout = 'vertical' | 'horizontal' | 'baseline'

export type FlexNode =
  | { type: 'box'; layout: Layout; style: Style; children: FlexNode[]; action: ChatAction | null }
  | { type: 'text'; text: string; spans: Span[]; style: Style; action: ChatAction | null }
  | {
      type: 'image'
      url: string
      /** the slot in the parent box */
      style: Style
      /** the picture itself */
      imageStyle: Style
      action: ChatAction | null
    }
  | { type: 'icon'; url: string; style: Style }
  | {
      type: 'button'
      variant: 'primary' | 'secondary' | 'link'
      action: ChatAction | null
      label: string
      style: Style
    }
  | { type: 'separator'; style: Style }
  | { type: 'spacer'; style: Style }
  | { type: 'filler'; style: Style }
  | { type: 'unsupported'; name: string }

export interface Span {
  text: string
  style: Style
}

export type BlockName = 'header' | 'hero' | 'body' | 'footer'

export interface Block {
  name: BlockName
  /** the block's own padding, background and separator */
  style: Style
  node: FlexNode
}

export interface BubbleView {
  type: 'bubble'
  size: string
  direction: 'ltr' | 'rtl'
  style: Style
  blocks: Block[]
  action: ChatAction | null
}

export interface CarouselView {
  type: 'carousel'
  bubbles: BubbleView[]
}

export interface FlexView {
  container: BubbleView | CarouselView
  /** component and container types this renderer does not know (the altText stands in) */
  unsupported: string[]
}

// ---- LINE's keyword scales --------------------------------------------------------------------

/** Text and icon sizes. */
export const FONT_SIZES: Record<string, string> = {
  xxs: '11px',
  xs: '13px',
  sm: '14px',
  md: '16px',
  lg: '19px',
  xl: '22px',
  xxl: '29px',
  '3xl': '35px',
  '4xl': '48px',
  '5xl': '74px',
}

/** margin, spacing, padding, offsets and corner radius. */
export const SPACES: Record<string, string> = {
  none: '0px',
  xs: '2px',
  sm: '4px',
  md: '8px',
  lg: '12px',
  xl: '16px',
  xxl: '20px',
}

export const IMAGE_SIZES: Record<string, string> = {
  xxs: '40px',
  xs: '60px',
  sm: '80px',
  md: '100px',
  lg: '120px',
  xl: '140px',
  xxl: '160px',
  '3xl': '180px',
  '4xl': '240px',
  '5xl': '360px',
  full: '100%',
}

export const BUBBLE_WIDTHS: Record<string, string> = {
  nano: '120px',
  micro: '160px',
  deca: '220px',
  hecto: '241px',
  kilo: '260px',
  mega: '300px',
  giga: '500px',
}

const BORDER_WIDTHS: Record<string, string> = {
  none: '0px',
  light: '0.5px',
  normal: '1px',
  medium: '2px',
  'semi-bold': '3px',
  bold: '4px',
}

/** Default padding of each bubble block (LINE's look: roomy body, tighter footer). */
const BLOCK_PADDING: Record<BlockName, string> = {
  header: '20px',
  hero: '0px',
  body: '20px',
  footer: '10px',
}

export const TEXT_COLOR = '#111111'
export const SEPARATOR_COLOR = '#dcdfe5'
const BUTTON_COLORS = { primary: '#17c950', secondary: '#dcdfe5', link: '#42659a' }

const ALIGN: Record<string, string> = { start: 'flex-start', center: 'center', end: 'flex-end' }
const TEXT_ALIGN: Record<string, string> = { start: 'start', center: 'center', end: 'end' }
const GRAVITY: Record<string, string> = { top: 'flex-start', center: 'center', bottom: 'flex-end' }

/** A keyword from `scale`, or a literal pixel / percent value; undefined for anything else. */
function measure(value: unknown, scale: Record<string, string>): string | undefined {
  if (typeof value !== 'string') return undefined
  if (value in scale) return scale[value]
  return /^\d+(\.\d+)?(px|%)$/.test(value) ? value : undefined
}

/** `#rrggbb` or `#rrggbbaa` only: colours come from message content. */
function color(value: unknown): string | undefined {
  return typeof value === 'string' && /^#([0-9a-f]{6}|[0-9a-f]{8})$/i.test(value)
    ? value
    : undefined
}

function set(style: Style, key: string, value: string | undefined): void {
  if (value !== undefined) style[key] = value
}

// ---- conversion -------------------------------------------------------------------------------

/** `message.contents` of a Flex message → the view, or null when it is no bubble or carousel. */
export function flexToView(contents: unknown): FlexView | null {
  const unsupported = new Set<string>()
  const context: Context = { unsupported }
  if (!isRecord(contents)) return null
  if (contents.type === 'bubble') {
    return { container: bubble(contents, context), unsupported: [...unsupported] }
  }
  if (contents.type === 'carousel' && Array.isArray(contents.contents)) {
    const bubbles = contents.contents.filter(isRecord).map((b) => bubble(b, context))
    return { container: { type: 'carousel', bubbles }, unsupported: [...unsupported] }
  }
  return null
}

interface Context {
  unsupported: Set<string>
}

function bubble(raw: Record<string, unknown>, context: Context): BubbleView {
  const size = typeof raw.size === 'string' && raw.size in BUBBLE_WIDTHS ? raw.size : 'mega'
  const styles = isRecord(raw.styles) ? raw.styles : {}
  const blocks: Block[] = []
  for (const name of ['header', 'hero', 'body', 'footer'] as const) {
    const content = raw[name]
    if (!isRecord(content)) continue
    const blockStyles = isRecord(styles[name]) ? styles[name] : {}
    const style: Style = {}
    set(style, 'backgroundColor', color(blockStyles.backgroundColor))
    // A block's separator line sits above it, and never above the first block.
    if (blockStyles.separator === true && blocks.length > 0) {
      style.borderTop = `1px solid ${color(blockStyles.separatorColor) ?? SEPARATOR_COLOR}`
    }
    const node = component(content, 'vertical', context)
    // A block's box is padded by default; its own paddingAll (or paddingTop …) replaces that.
    // The default goes first, so that paddingTop and friends still override it.
    if (node.type === 'box' && node.style.padding === undefined) {
      node.style = { padding: BLOCK_PADDING[name], ...node.style }
    }
    blocks.push({ name, style, node })
  }
  const style: Style = { width: BUBBLE_WIDTHS[size] ?? '300px' }
  return {
    type: 'bubble',
    size,
    direction: raw.direction === 'rtl' ? 'rtl' : 'ltr',
    style,
    blocks,
    action: readAction(raw.action),
  }
}

/** A component inside a box laid out as `parent`. */
function component(raw: Record<string, unknown>, parent: Layout, context: Context): FlexNode {
  switch (raw.type) {
    case 'box':
      return box(raw, parent, context)
    case 'text':
      return text(raw, parent)
    case 'image':
      return image(raw, parent, stringOf(raw.url) ?? '')
    case 'video':
      // No playback in the sandbox: its preview image stands in, like LINE before the tap.
      return image(raw, parent, stringOf(raw.previewUrl) ?? '')
    case 'icon':
      return icon(raw)
    case 'button':
      return button(raw, parent)
    case 'separator':
      return separator(raw, parent)
    case 'spacer':
      return spacer(raw, parent)
    case 'filler': {
      const flex = typeof raw.flex === 'number' ? raw.flex : 1
      return { type: 'filler', style: { flex: `${flex} 0 0` } }
    }
    default: {
      const name = typeof raw.type === 'string' ? raw.type : 'unknown'
      context.unsupported.add(name)
      return { type: 'unsupported', name }
    }
  }
}

/**
 * How a component shares its parent box: in a horizontal or baseline box every component grows
 * (flex 1 by default) from a zero basis, so widths follow the flex ratios; in a vertical box
 * components keep their height (flex 0) unless given a flex.
 */
function slot(raw: Record<string, unknown>, parent: Layout): Style {
  const style: Style = {}
  const fallback = parent === 'vertical' ? 0 : 1
  const flex = typeof raw.flex === 'number' && raw.flex >= 0 ? raw.flex : fallback
  style.flex = flex > 0 ? `${flex} 0 0` : '0 0 auto'
  style.minWidth = '0px'
  const margin = measure(raw.margin, SPACES)
  if (margin !== undefined)
    style[parent === 'vertical' ? 'marginTop' : 'marginInlineStart'] = margin
  const gravity = GRAVITY[stringOf(raw.gravity) ?? '']
  if (gravity && parent !== 'vertical') style.alignSelf = gravity
  set(style, 'position', raw.position === 'absolute' ? 'absolute' : undefined)
  set(style, 'top', measure(raw.offsetTop, SPACES))
  set(style, 'bottom', measure(raw.offsetBottom, SPACES))
  set(style, 'insetInlineStart', measure(raw.offsetStart, SPACES))
  set(style, 'insetInlineEnd', measure(raw.offsetEnd, SPACES))
  return style
}

function box(raw: Record<string, unknown>, parent: Layout, context: Context): FlexNode {
  const layout: Layout =
    raw.layout === 'horizontal' || raw.layout === 'baseline' ? raw.layout : 'vertical'
  const style: Style = {
    ...slot(raw, parent),
    display: 'flex',
    flexDirection: layout === 'vertical' ? 'column' : 'row',
  }
  if (layout === 'baseline') style.alignItems = 'baseline'
  set(style, 'justifyContent', stringOf(raw.justifyContent))
  if (layout !== 'baseline') set(style, 'alignItems', stringOf(raw.alignItems))
  set(style, 'backgroundColor', color(raw.backgroundColor))
  const gradient = isRecord(raw.background) ? raw.background : null
  if (gradient?.type === 'linearGradient') {
    const stops = [gradient.startColor, gradient.centerColor, gradient.endColor]
      .map(color)
      .filter((c): c is string => c !== undefined)
    const angle = typeof gradient.angle === 'string' ? gradient.angle.replace(/\s/g, '') : '0deg'
    if (stops.length >= 2) style.backgroundImage = `linear-gradient(${angle}, ${stops.join(', ')})`
  }
  const borderWidth = measure(raw.borderWidth, BORDER_WIDTHS)
  if (borderWidth !== undefined) {
    style.border = `${borderWidth} solid ${color(raw.borderColor) ?? TEXT_COLOR}`
  }
  set(style, 'borderRadius', measure(raw.cornerRadius, SPACES))
  if (style.borderRadius !== undefined) style.overflow = 'hidden'
  set(style, 'padding', measure(raw.paddingAll, SPACES))
  set(style, 'paddingTop', measure(raw.paddingTop, SPACES))
  set(style, 'paddingBottom', measure(raw.paddingBottom, SPACES))
  set(style, 'paddingInlineStart', measure(raw.paddingStart, SPACES))
  set(style, 'paddingInlineEnd', measure(raw.paddingEnd, SPACES))
  set(style, 'width', measure(raw.width, {}))
  set(style, 'maxWidth', measure(raw.maxWidth, {}))
  set(style, 'height', measure(raw.height, {}))
  set(style, 'maxHeight', measure(raw.maxHeight, {}))
  if (style.width !== undefined) style.flex = '0 0 auto'
  if (raw.position !== 'absolute' && style.position === undefined) style.position = 'relative'

  const spacing = measure(raw.spacing, SPACES)
  const items = Array.isArray(raw.contents) ? raw.contents.filter(isRecord) : []
  const children = items.map((item, i) => {
    const child = component(item, layout, context)
    // The box's spacing separates its children; a child's own margin replaces it.
    if (i > 0 && spacing !== undefined && item.margin === undefined && 'style' in child) {
      child.style[layout === 'vertical' ? 'marginTop' : 'marginInlineStart'] = spacing
    }
    return child
  })
  return { type: 'box', layout, style, children, action: readAction(raw.action) }
}

function textStyle(raw: Record<string, unknown>): Style {
  const style: Style = {}
  set(style, 'fontSize', measure(raw.size, FONT_SIZES))
  if (raw.weight === 'bold') style.fontWeight = '700'
  else if (raw.weight === 'regular') style.fontWeight = '400'
  set(style, 'color', color(raw.color))
  if (raw.style === 'italic') style.fontStyle = 'italic'
  if (raw.decoration === 'underline' || raw.decoration === 'line-through') {
    style.textDecoration = raw.decoration
  }
  return style
}

function text(raw: Record<string, unknown>, parent: Layout): FlexNode {
  const style: Style = {
    ...slot(raw, parent),
    fontSize: FONT_SIZES.md ?? '16px',
    color: TEXT_COLOR,
    lineHeight: '1.4',
    ...textStyle(raw),
  }
  const maxLines = typeof raw.maxLines === 'number' && raw.maxLines > 0 ? raw.maxLines : 0
  if (raw.wrap === true) {
    // Wrapped text keeps its line breaks (\n), as in LINE.
    style.whiteSpace = 'pre-wrap'
    style.overflowWrap = 'anywhere'
    if (maxLines > 0) {
      style.display = '-webkit-box'
      style.WebkitBoxOrient = 'vertical'
      style.WebkitLineClamp = String(maxLines)
      style.overflow = 'hidden'
    }
  } else {
    style.whiteSpace = 'nowrap'
    style.overflow = 'hidden'
    style.textOverflow = 'ellipsis'
  }
  set(style, 'textAlign', TEXT_ALIGN[stringOf(raw.align) ?? ''])
  const spans = Array.isArray(raw.contents)
    ? raw.contents
        .filter(isRecord)
        .filter((span) => span.type === 'span' && typeof span.text === 'string')
        .map((span) => ({ text: span.text as string, style: textStyle(span) }))
    : []
  return {
    type: 'text',
    text: stringOf(raw.text) ?? '',
    spans,
    style,
    action: readAction(raw.action),
  }
}

function image(raw: Record<string, unknown>, parent: Layout, url: string): FlexNode {
  const style: Style = { ...slot(raw, parent), display: 'flex' }
  style.justifyContent = ALIGN[stringOf(raw.align) ?? 'center'] ?? 'center'
  const width = measure(raw.size, IMAGE_SIZES) ?? IMAGE_SIZES.md ?? '100px'
  const ratio = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(stringOf(raw.aspectRatio) ?? '')
  const imageStyle: Style = {
    display: 'block',
    width,
    maxWidth: '100%',
    aspectRatio: ratio ? `${ratio[1]} / ${ratio[2]}` : '1 / 1',
    objectFit: raw.aspectMode === 'cover' ? 'cover' : 'contain',
  }
  set(imageStyle, 'backgroundColor', color(raw.backgroundColor))
  return { type: 'image', url, style, imageStyle, action: readAction(raw.action) }
}

function icon(raw: Record<string, unknown>): FlexNode {
  const size = measure(raw.size, FONT_SIZES) ?? FONT_SIZES.md ?? '16px'
  const ratio = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(stringOf(raw.aspectRatio) ?? '')
  const style: Style = {
    flex: '0 0 auto',
    height: size,
    width: ratio ? `calc(${size} * ${ratio[1]} / ${ratio[2]})` : size,
    objectFit: 'contain',
  }
  set(style, 'marginInlineStart', measure(raw.margin, SPACES))
  return { type: 'icon', url: stringOf(raw.url) ?? '', style }
}

function button(raw: Record<string, unknown>, parent: Layout): FlexNode {
  const variant = raw.style === 'primary' || raw.style === 'secondary' ? raw.style : 'link'
  const tint = color(raw.color) ?? BUTTON_COLORS[variant]
  const style: Style = {
    ...slot(raw, parent),
    // LINE's sm (40 px) is below a comfortable touch target: the sandbox keeps 44 px.
    minHeight: raw.height === 'sm' ? '44px' : '52px',
  }
  if (variant === 'link') style.color = tint
  else {
    style.backgroundColor = tint
    style.color = variant === 'primary' ? '#ffffff' : TEXT_COLOR
  }
  const action = readAction(raw.action)
  return { type: 'button', variant, action, label: action?.label ?? '', style }
}

function separator(raw: Record<string, unknown>, parent: Layout): FlexNode {
  const line = `1px solid ${color(raw.color) ?? SEPARATOR_COLOR}`
  const style: Style =
    parent === 'vertical'
      ? { flex: '0 0 auto', borderTop: line, alignSelf: 'stretch' }
      : { flex: '0 0 auto', borderInlineStart: line, alignSelf: 'stretch' }
  const margin = measure(raw.margin, SPACES)
  if (margin !== undefined)
    style[parent === 'vertical' ? 'marginTop' : 'marginInlineStart'] = margin
  return { type: 'separator', style }
}

function spacer(raw: Record<string, unknown>, parent: Layout): FlexNode {
  const size = measure(raw.size, SPACES) ?? SPACES.md ?? '8px'
  return {
    type: 'spacer',
    style: { flex: '0 0 auto', [parent === 'vertical' ? 'height' : 'width']: size },
  }
}
