import { z } from 'zod'

/** An interest / purchase category from the shop's own list. */
export const CategorySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'ID は英小文字・数字・ハイフンで32文字まで'),
  label: z.string().trim().min(1).max(30),
})
export type Category = z.infer<typeof CategorySchema>

const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/

/** 'HH:MM' in the shop's time zone; '24:00' closes at midnight. */
export const TimeOfDaySchema = z
  .string()
  .regex(TIME_OF_DAY, '時刻は HH:MM（例: 10:00）で入力してください')

/** One day's opening hours, or null when the shop is closed that day. */
export const DayHoursSchema = z
  .object({ open: TimeOfDaySchema, close: TimeOfDaySchema })
  .refine((d) => d.open < d.close, '閉店時刻は開店時刻より後にしてください')
  .nullable()
export type DayHours = z.infer<typeof DayHoursSchema>

const LOCAL_DATE = z
  .string()
  .regex(
    /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
    '日付は YYYY-MM-DD で入力してください',
  )

/** A date with its own hours (`hours: null` closes the shop that day). */
export const SpecialDaySchema = z.object({ date: LOCAL_DATE, hours: DayHoursSchema })
export type SpecialDay = z.infer<typeof SpecialDaySchema>

/**
 * Weekly opening hours: `days[0]` is Sunday (as Date#getDay), in the shop's time zone; `holidays`
 * are dates the shop is closed (臨時休業・祝日), `specialDays` dates with other hours. A date in
 * both is a special day.
 */
export const BusinessHoursSchema = z.object({
  days: z.array(DayHoursSchema).length(7, '曜日ごとに7日分を指定してください'),
  holidays: z
    .array(LOCAL_DATE)
    .max(366, '休業日は366日までです')
    .refine((list) => new Set(list).size === list.length, '同じ休業日が2回あります')
    .optional(),
  specialDays: z
    .array(SpecialDaySchema)
    .max(366, '特別営業日は366日までです')
    .refine(
      (list) => new Set(list.map((d) => d.date)).size === list.length,
      '同じ日付の特別営業日が2回あります',
    )
    .optional(),
})
export type BusinessHours = z.infer<typeof BusinessHoursSchema>

export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  days: Array.from({ length: 7 }, () => ({ open: '10:00', close: '19:00' })),
}

export const ShopSettingsSchema = z.object({
  name: z.string().trim().min(1, '店舗名を入力してください').max(40),
  categories: z
    .array(CategorySchema)
    .max(50)
    .refine(
      (list) => new Set(list.map((c) => c.id)).size === list.length,
      'カテゴリ ID が重複しています',
    ),
  /** When staff answer the inbox; the hand-over acknowledgement quotes it. Default 10:00–19:00 daily. */
  businessHours: BusinessHoursSchema.optional(),
  /** KPIs: a buyer is dormant after this many days without a purchase (default 90). */
  dormantDays: z.number().int().min(7).max(730).optional(),
})
export type ShopSettings = z.infer<typeof ShopSettingsSchema>

/** What the apps need before sign-in: public, no token. */
export const PublicConfigSchema = z.object({
  liffId: z.string().nullable(),
  sandbox: z.boolean(),
  shopName: z.string(),
  addFriendUrl: z.string().nullable(),
})
export type PublicConfig = z.infer<typeof PublicConfigSchema>
