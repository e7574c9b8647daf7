import { demoBroadcasts, countRecipients, type DemoRecipient } from './demo-broadcasts.ts'
import { demoContext, type DemoShopInput } from './demo-context.ts'
import { couponBook, demoTemplates, settleCoupons } from './demo-coupons.ts'
import { demoJourney, type JourneyRows } from './demo-journeys.ts'
import { generateGuests } from './demo-members.ts'
import { demoTiers, type PurchaseRows } from './demo-purchases.ts'
import { supportConversations } from './demo-support.ts'
import { demoSurvey, type SurveyRows } from './demo-surveys.ts'

/**
 * The demo café (カフェ こもれび): 2,000 LINE friends and a year of their visits, generated from a
 * seed so every run gives the same shop. Plain rows, in the tables' own shapes; the store writes
 * them in one atomic batch and the derived tables (KPI rollups, tiers, segment summary) are then
 * rebuilt from them, so every figure comes from these rows the way it would from real use.
 *
 * The shape of the year: a few regulars every week, monthly guests, occasional ones and one-off
 * visitors; gaps drawn around each persona's cycle, shortened in busy months (December, February,
 * April) and lengthened in quiet ones (August); visits at café hours, busier at weekends; some
 * guests drift away (churn) and some come back when the dormant journey reaches them. Broadcasts
 * hold 10 % out, and only those contacted get the small nudge, so the lift is there to measure.
 */

export { DEMO_DORMANT_DAYS, type DemoIdBase, type DemoShopInput } from './demo-context.ts'
export type { SeededRandom } from './prng.ts'

/**
 * The shop, part by part (each part in its own module). Every part draws from the one seeded
 * stream in this order, so the order of the calls below is part of what the seed gives.
 */
export function generateDemoShop(input: DemoShopInput) {
  const ctx = demoContext(input)
  // Fixed things: tiers, coupon templates, the survey, the journey, the broadcasts.
  const { tiers, tierLadder } = demoTiers(ctx, input)
  const catalogue = demoTemplates(ctx)
  const survey = demoSurvey(ctx, catalogue)
  const journey = demoJourney(ctx, catalogue)
  const broadcasts = demoBroadcasts(ctx, catalogue)

  // The guests' year.
  const book = couponBook(ctx, catalogue)
  const recipients: DemoRecipient[] = []
  const journeyRows: JourneyRows = { runs: [], stepLog: [] }
  const surveyRows: SurveyRows = { responses: [], answers: [], conversationStarts: [] }
  const purchaseRows: PurchaseRows = { purchases: [], ledger: [] }
  const guests = generateGuests(ctx, input.members, {
    book,
    broadcasts: { broadcasts, recipients },
    journey: { journey, rows: journeyRows },
    survey: { survey, rows: surveyRows },
    purchases: purchaseRows,
    tierLadder,
  })

  const memberCounts = settleCoupons(ctx, catalogue, book)
  countRecipients(broadcasts, recipients)
  const support = supportConversations(ctx, surveyRows.conversationStarts)

  return {
    tiers,
    members: guests.members,
    profiles: guests.profiles,
    purchases: purchaseRows.purchases,
    ledger: purchaseRows.ledger,
    lots: guests.lots,
    balances: guests.balances,
    memberTiers: guests.memberTiers,
    templates: catalogue.templates,
    coupons: book.coupons,
    memberCounts,
    surveys: survey.surveys,
    surveyVersions: survey.surveyVersions,
    responses: surveyRows.responses,
    answers: surveyRows.answers,
    conversations: support.conversations,
    chatMessages: support.chatMessages,
    broadcasts,
    recipients,
    journeys: journey.journeys,
    runs: journeyRows.runs,
    stepLog: journeyRows.stepLog,
  }
}

export type DemoShop = ReturnType<typeof generateDemoShop>
