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
  consent: 'お得な情報をLINEで受け取る',
  consentHelp:
    'セール・クーポン・新商品のお知らせを、このLINE公式アカウントからお送りします。いつでも変更できます。',
  save: '保存する',
  saving: '保存しています…',
  saved: 'プロフィールを保存しました',
  fix: '入力内容をご確認ください',
  invalidBirthday: '正しい生年月日を入力してください',
  invalidField: '入力内容をご確認ください',
}

export type ProfileMessages = typeof profileJa
