/** The member 友だち紹介 screen's messages in Japanese (loaded with that screen). */
export const referralJa = {
  off: '現在、友だち紹介は受け付けていません。',
  lead: 'お友だちにお店を紹介しませんか。',
  share: 'LINEで友だちに送る',
  sharing: '送信先を選んでいます…',
  shared: '招待を送りました。',
  pickerUnavailable:
    'この画面からはLINEの送信先を選べません。リンクのコピーかQRコードでご紹介ください。',
  copy: 'リンクをコピー',
  copied: 'リンクをコピーしました。',
  copyFailed: 'コピーできませんでした。リンクを長押ししてコピーしてください。',
  qr: '紹介用QRコード',
  yourLink: 'あなたの紹介リンク',
  list: 'ご紹介した方',
  empty: 'まだご紹介はありません。',
  rewarded: (n: number) => `特典を受け取った紹介: ${n}件`,
  status: {
    invited: '招待中',
    joined: '友だち追加済み',
    rewarded: '特典獲得',
    not_eligible: '対象外',
    reversed: '取り消し',
  },
  earned: (label: string) => `獲得: ${label}`,
  claimTitle: 'ご紹介',
  addFriend: '友だち追加する',
  cardButton: '友だち追加して特典を受け取る',
  cardAlt: (shop: string, title: string) => `${shop}から: ${title}`,
}

export type ReferralMessages = typeof referralJa
