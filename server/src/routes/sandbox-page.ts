/** The sandbox chat page: talk to the bot as a test customer, with no LINE channel needed. */
export const SANDBOX_PAGE = /* html */ `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Joren サンドボックス</title>
<style>
  :root { font-family: system-ui, "Hiragino Sans", "Noto Sans JP", sans-serif; color: #1f2328; }
  body { margin: 0; background: #f3f4f6; }
  header { background: #06c755; color: #fff; padding: 12px 16px; }
  header h1 { margin: 0; font-size: 18px; }
  header p { margin: 4px 0 0; font-size: 13px; opacity: .9; }
  main { display: grid; grid-template-columns: minmax(220px, 280px) 1fr; gap: 12px; padding: 12px; max-width: 1000px; margin: 0 auto; }
  @media (max-width: 640px) { main { grid-template-columns: 1fr; } }
  section { background: #fff; border-radius: 10px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  h2 { font-size: 15px; margin: 0 0 8px; }
  label { display: block; font-size: 13px; margin: 8px 0 4px; }
  input, select, button { font: inherit; min-height: 44px; box-sizing: border-box; }
  input, select { width: 100%; padding: 0 8px; border: 1px solid #c9ccd1; border-radius: 8px; }
  button { border: 0; border-radius: 8px; padding: 0 14px; background: #06c755; color: #fff; cursor: pointer; }
  button.secondary { background: #e5e7eb; color: #1f2328; }
  button:disabled { opacity: .5; cursor: default; }
  ul.users { list-style: none; padding: 0; margin: 8px 0 0; }
  ul.users button { width: 100%; text-align: left; background: #f9fafb; color: inherit; margin-bottom: 6px; }
  ul.users button[aria-pressed="true"] { outline: 2px solid #06c755; }
  .chat { display: flex; flex-direction: column; height: min(70vh, 640px); }
  .log { flex: 1; overflow-y: auto; background: #8cabd9; border-radius: 8px; padding: 10px; display: flex; flex-direction: column; gap: 8px; }
  .bubble { max-width: 80%; padding: 8px 12px; border-radius: 16px; white-space: pre-wrap; word-break: break-word; font-size: 14px; }
  .bot { background: #fff; align-self: flex-start; }
  .me { background: #06c755; color: #fff; align-self: flex-end; }
  .meta { font-size: 11px; color: #374151; align-self: flex-start; }
  .quick { display: flex; gap: 6px; flex-wrap: wrap; }
  .quick button { background: #fff; color: #06c755; border: 1px solid #06c755; }
  form.send { display: flex; gap: 8px; margin-top: 8px; }
  .actions { display: flex; gap: 8px; margin: 8px 0; flex-wrap: wrap; }
  .status { font-size: 13px; color: #b42318; min-height: 1.2em; }
</style>
</head>
<body>
<header>
  <h1>Joren サンドボックス</h1>
  <p>LINE チャネルなしで、テスト顧客としてボットと会話できます。</p>
</header>
<main>
  <section aria-labelledby="users-h">
    <h2 id="users-h">テスト顧客</h2>
    <form id="create">
      <label for="name">名前</label>
      <input id="name" name="displayName" required maxlength="20" placeholder="例: 山田 花子">
      <label for="lang">LINE の言語</label>
      <select id="lang" name="language"><option value="ja">日本語</option><option value="en">English</option></select>
      <div class="actions"><button type="submit">顧客を作成</button></div>
    </form>
    <ul class="users" id="users"></ul>
  </section>
  <section class="chat" aria-labelledby="chat-h">
    <h2 id="chat-h">トーク <span id="who"></span></h2>
    <div class="actions">
      <button id="follow" disabled>友だち追加</button>
      <button id="unfollow" class="secondary" disabled>ブロック</button>
    </div>
    <div class="log" id="log" aria-live="polite"></div>
    <div class="quick" id="quick"></div>
    <form class="send" id="send">
      <label for="text" class="visually-hidden" style="position:absolute;left:-9999px">メッセージ</label>
      <input id="text" name="text" placeholder="メッセージを入力" disabled autocomplete="off">
      <button type="submit" id="send-btn" disabled>送信</button>
    </form>
    <p class="status" id="status" role="status"></p>
  </section>
</main>
<script type="module">
const $ = (id) => document.getElementById(id)
let current = null
let sent = []
async function api(path, body) {
  const res = await fetch('/sandbox/api' + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(data?.error?.message ?? data?.message ?? ('エラー ' + res.status))
  return data
}
function status(text) { $('status').textContent = text ?? '' }
async function loadUsers() {
  const users = await api('/users')
  const list = $('users'); list.replaceChildren()
  for (const u of users) {
    const li = document.createElement('li'); const b = document.createElement('button')
    b.textContent = u.displayName + (u.friend ? '' : '（友だち未追加）')
    b.setAttribute('aria-pressed', String(current?.userId === u.userId))
    b.onclick = () => select(u)
    li.append(b); list.append(li)
  }
}
function select(user) {
  current = user; sent = []
  $('who').textContent = '— ' + user.displayName
  for (const id of ['follow', 'unfollow', 'text', 'send-btn']) $(id).disabled = false
  void loadUsers(); void refresh()
}
function describe(m) {
  if (m.type === 'text') return m.text
  if (m.type === 'flex') return '［Flex］' + (m.altText ?? '')
  if (m.type === 'image') return '［画像］'
  if (m.type === 'sticker') return '［スタンプ］'
  if (m.type === 'template') return '［テンプレート］' + (m.altText ?? '')
  return '［' + m.type + '］'
}
async function refresh() {
  if (!current) return
  const messages = await api('/users/' + current.userId + '/messages')
  const log = $('log'); log.replaceChildren()
  const items = [...messages.map((m) => ({ at: m.at, bot: true, m })), ...sent].sort((a, b) => a.at - b.at)
  let last = null
  for (const item of items) {
    const div = document.createElement('div')
    div.className = 'bubble ' + (item.bot ? 'bot' : 'me')
    div.textContent = item.bot ? describe(item.m.message) : item.text
    log.append(div)
    if (item.bot) { const meta = document.createElement('div'); meta.className = 'meta'; meta.textContent = item.m.via === 'reply' ? '応答メッセージ' : 'プッシュメッセージ'; log.append(meta); last = item.m.message }
  }
  log.scrollTop = log.scrollHeight
  const quick = $('quick'); quick.replaceChildren()
  for (const q of last?.quickReply?.items ?? []) {
    const b = document.createElement('button'); b.type = 'button'; b.textContent = q.action.label ?? q.action.text ?? '…'
    b.onclick = () => q.action.type === 'postback' ? act('/postback', { data: q.action.data }) : say(q.action.text ?? q.action.label)
    quick.append(b)
  }
}
async function act(path, body) {
  try { status(''); await api('/users/' + current.userId + path, body ?? {}); setTimeout(refresh, 300) } catch (e) { status(e.message) }
}
async function say(text) { sent.push({ at: Date.now(), bot: false, text }); await act('/text', { text }); void refresh() }
$('create').onsubmit = async (e) => {
  e.preventDefault()
  try { const form = new FormData(e.target); const user = await api('/users', Object.fromEntries(form)); e.target.reset(); select(user) } catch (err) { status(err.message) }
}
$('follow').onclick = () => act('/follow').then(loadUsers)
$('unfollow').onclick = () => act('/unfollow').then(loadUsers)
$('send').onsubmit = (e) => { e.preventDefault(); const text = $('text').value.trim(); if (!text) return; $('text').value = ''; void say(text) }
setInterval(refresh, 1500)
void loadUsers().catch((e) => status(e.message))
</script>
</body>
</html>`
