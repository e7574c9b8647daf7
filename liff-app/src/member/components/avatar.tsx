/** The LINE profile picture over the name's first letter (shown when there is no picture). */
export function Avatar({ url, name }: { url: string | null; name: string | null }) {
  return (
    <span class="avatar avatar-letter" aria-hidden="true">
      {Array.from(name?.trim() || '?')[0]}
      {url && (
        <img
          src={url}
          alt=""
          referrerpolicy="no-referrer"
          onError={(event) => (event.currentTarget.hidden = true)}
        />
      )}
    </span>
  )
}
