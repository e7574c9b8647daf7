import type { ComponentType } from 'preact'
import type { Messages } from '../../i18n/ja.ts'
import {
  CardIcon,
  ChevronRightIcon,
  StarIcon,
  TicketIcon,
  UserIcon,
  UsersIcon,
} from '../../ui/icons.tsx'
import { Avatar } from '../components/avatar.tsx'
import { HomeSurveys } from '../surveys/home-surveys.tsx'
import { homeEn } from '../../i18n/home-en.ts'
import { homeJa } from '../../i18n/home-ja.ts'
import { locale, t } from '../messages.ts'
import { MENU, href } from '../paths.ts'
import type { ScreenProps } from '../screen-props.ts'

const MENU_ICONS: Record<keyof Messages['menu'], ComponentType<{ size?: number }>> = {
  card: CardIcon,
  profile: UserIcon,
  coupons: TicketIcon,
  points: StarIcon,
  referral: UsersIcon,
}

/** Greeting and the way into every other screen: only screens that exist are linked. */
export default function HomeScreen({ api, me }: ScreenProps) {
  const m = t()
  const h = locale() === 'en' ? homeEn : homeJa
  const { displayName, pictureUrl } = me.member
  return (
    <div class="page">
      <section class="hello">
        <Avatar url={pictureUrl} name={displayName} />
        <div class="grow">
          <h1 class="hello-title">{h.hello(displayName)}</h1>
          <p class="muted">{h.welcome(me.shop.name)}</p>
        </div>
      </section>
      <nav aria-label={h.title}>
        <ul class="tiles">
          {MENU.map(({ path, menu }) => {
            const Icon = MENU_ICONS[menu]
            return (
              <li key={path}>
                <a class="tile" href={href(path)}>
                  <span class="tile-icon">
                    <Icon size={26} />
                  </span>
                  <span class="tile-text">
                    <strong>{m.menu[menu]}</strong>
                    {h.hints[menu]}
                  </span>
                  <ChevronRightIcon size={20} />
                </a>
              </li>
            )
          })}
        </ul>
      </nav>
      <HomeSurveys api={api} />
    </div>
  )
}
