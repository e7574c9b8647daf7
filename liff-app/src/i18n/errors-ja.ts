/** What the member app says when something fails, in Japanese (loaded only on a failure). */
export const errorsJa = {
  reload: '再読み込み',
  retry: 'もう一度試す',
  networkTitle: '通信できませんでした',
  networkBody: '電波の良い場所で、もう一度お試しください。',
  serverTitle: 'うまく表示できませんでした',
  serverBody: '時間をおいて、もう一度お試しください。',
  authTitle: 'ログインの有効期限が切れました',
  authBody: 'お手数ですが、もう一度ログインしてください。',
  login: 'ログインし直す',
  notFoundTitle: 'ページが見つかりません',
  notFoundBody: 'URLが変わった可能性があります。',
  backHome: 'ホームへ戻る',
  setupTitle: 'このアプリは準備中です',
  setupBody: 'お店の設定が完了していません（LIFF ID 未設定）。お店の方にお知らせください。',
  sandboxTitle: 'サンドボックスから開いてください',
  sandboxBody:
    'テスト環境では、サンドボックスのチャット画面からテスト用のお客様を選んで開くとログインします。',
  openSandbox: 'サンドボックスを開く',
  notFriendTitle: '友だち追加をお願いします',
  notFriendBody: (shop: string) =>
    `会員証を使うには、LINEで${shop ? `「${shop}」` : 'お店のアカウント'}を友だち追加してください。ブロック中の場合は、ブロックを解除してください。`,
  addFriend: '友だち追加する',
  afterAdding: '追加が終わったら、この画面に戻って再読み込みしてください。',
  noAddFriendLink: 'LINEのトーク画面からお店のアカウントを探して追加してください。',
}

export type ErrorMessages = typeof errorsJa
