import type { ComponentChildren } from 'preact'

/** A screen's title, an optional line of explanation, and actions on the right. */
export function PageHeader(props: { title: string; intro?: string; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div class="grow">
        <h1 class="page-title">{props.title}</h1>
        {props.intro && <p class="muted page-intro">{props.intro}</p>}
      </div>
      {props.children}
    </header>
  )
}
