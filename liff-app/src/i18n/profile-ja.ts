/** The member profile form's messages in Japanese (loaded with the profile screen). */
export const profileJa = {
  title: 'プロフィール',
  intro: 'ご登録いただくと、あなたに合ったお知らせやクーポンをお届けします。どの項目も任意です。',
  birthday: '生年月日',
  birthdayHint: '誕生月に特典をお送りすることがあります',
  gender: '性別',
  genders: { female: '女性', male: '男性', other: 'その他', unspecified: '回答しない' },
  prefecture: 'お住まいの地域',
  choose: '選択してください',
  interests: '興味のあるもの',
  interestsHint: 'いくつでも選べます',
  noInterests: 'お店がまだ項目を用意していません',
  consentTitle: 'お知らせの受け取り',
  consent: 'お知らせを受け取らない',
  consentHelp:
    'オンにすると、セール・クーポン・新商品などのお知らせ（一斉配信・ステップ配信）をお送りしません。お問い合わせへの返信は届きます。いつでも変更でき、すぐに反映されます。',
  consentSavedOff: 'お知らせを停止しました',
  consentSavedOn: 'お知らせを受け取る設定にしました',
  save: '保存する',
  saving: '保存しています…',
  saved: 'プロフィールを保存しました',
  fix: '入力内容をご確認ください',
  invalidBirthday: '正しい生年月日を入力してください',
  invalidField: '入力内容をご確認ください',
}

export type ProfileMessages = typeof profileJa
