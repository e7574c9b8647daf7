import { encodeQr } from '../qr/qr-encode.ts'

let last: { value: string; size: number; d: string } | null = null

/** Dark modules as one SVG path: a rectangle per run of dark modules in a row. */
function draw(value: string) {
  if (last?.value === value) return last
  const qr = encodeQr(value)
  let d = ''
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (!qr.get(x, y)) continue
      const start = x
      while (qr.get(x + 1, y)) x++
      d += `M${start} ${y}h${x - start + 1}v1h${start - x - 1}z`
    }
  }
  return (last = { value, size: qr.size, d })
}

/** A crisp, scalable QR code with its 4-module quiet zone. */
export function QrCode({ value, label }: { value: string; label: string }) {
  const { size, d } = draw(value)
  const box = size + 8
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      viewBox={`-4 -4 ${box} ${box}`}
      shape-rendering="crispEdges"
    >
      <rect x="-4" y="-4" width={box} height={box} fill="#fff" />
      <path d={d} />
    </svg>
  )
}
