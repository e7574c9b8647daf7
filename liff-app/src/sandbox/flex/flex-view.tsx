import type { ComponentChildren } from 'preact'
import type { ChatAction } from '../actions.ts'
import type { Block, BubbleView, FlexNode, FlexView } from './flex-model.ts'

type OnAction = (action: ChatAction) => void

/** A Flex message's container: one bubble, or a carousel that scrolls sideways. */
export function FlexContainer({ view, onAction }: { view: FlexView; onAction: OnAction }) {
  const { container } = view
  if (container.type === 'bubble') return <Bubble bubble={container} onAction={onAction} />
  return (
    <div class="flex-carousel">
      {container.bubbles.map((bubble, i) => (
        <Bubble key={i} bubble={bubble} onAction={onAction} />
      ))}
    </div>
  )
}

function Bubble({ bubble, onAction }: { bubble: BubbleView; onAction: OnAction }) {
  return (
    <Tappable
      class="flex-bubble"
      style={bubble.style}
      action={bubble.action}
      onAction={onAction}
      dir={bubble.direction}
    >
      {bubble.blocks.map((block) => (
        <BlockView key={block.name} block={block} onAction={onAction} />
      ))}
    </Tappable>
  )
}

function BlockView({ block, onAction }: { block: Block; onAction: OnAction }) {
  return (
    <div class={`flex-block flex-${block.name}`} style={block.style}>
      <Node node={block.node} onAction={onAction} />
    </div>
  )
}

function Node({ node, onAction }: { node: FlexNode; onAction: OnAction }) {
  switch (node.type) {
    case 'box':
      return (
        <Tappable class="flex-box" style={node.style} action={node.action} onAction={onAction}>
          {node.children.map((child, i) => (
            <Node key={i} node={child} onAction={onAction} />
          ))}
        </Tappable>
      )
    case 'text':
      return (
        <Tappable class="flex-text" style={node.style} action={node.action} onAction={onAction}>
          {node.spans.length > 0
            ? node.spans.map((span, i) => (
                <span key={i} style={span.style}>
                  {span.text}
                </span>
              ))
            : node.text}
        </Tappable>
      )
    case 'image':
      return (
        <Tappable class="flex-image" style={node.style} action={node.action} onAction={onAction}>
          <img src={node.url} alt="" style={node.imageStyle} loading="lazy" />
        </Tappable>
      )
    case 'icon':
      return <img class="flex-icon" src={node.url} alt="" style={node.style} />
    case 'button':
      return (
        <button
          type="button"
          class={`flex-button flex-button-${node.variant}`}
          style={node.style}
          disabled={!node.action}
          onClick={() => node.action && onAction(node.action)}
        >
          <span>{node.label}</span>
        </button>
      )
    case 'separator':
      return <div class="flex-separator" style={node.style} role="separator" />
    case 'spacer':
    case 'filler':
      return <div style={node.style} aria-hidden="true" />
    case 'unsupported':
      return null
  }
}

/**
 * A box, text or image that may carry an action: then the whole area is a button, as in LINE
 * (a div with the button role, since a Flex box may itself contain buttons).
 */
function Tappable(props: {
  class: string
  style: Record<string, string>
  action: ChatAction | null
  onAction: OnAction
  dir?: 'ltr' | 'rtl'
  children: ComponentChildren
}) {
  const { action, onAction } = props
  if (!action) {
    return (
      <div class={props.class} style={props.style} dir={props.dir}>
        {props.children}
      </div>
    )
  }
  return (
    <div
      class={`${props.class} flex-tappable`}
      style={props.style}
      dir={props.dir}
      role="button"
      tabIndex={0}
      aria-label={action.label || undefined}
      onClick={(event) => {
        // A button inside handles its own tap.
        if ((event.target as Element).closest('button, [role="button"]') !== event.currentTarget)
          return
        onAction(action)
      }}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault()
          onAction(action)
        }
      }}
    >
      {props.children}
    </div>
  )
}
