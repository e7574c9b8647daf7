import liff from '@line/liff/core'
import GetIDToken from '@line/liff/get-id-token'
import GetLanguage from '@line/liff/get-language'
import IsInClient from '@line/liff/is-in-client'
import IsLoggedIn from '@line/liff/is-logged-in'
import Login from '@line/liff/login'
import Logout from '@line/liff/logout'

// The pluggable SDK: the core plus only the APIs the apps call (about a third of the full SDK).
liff.use(new IsInClient())
liff.use(new IsLoggedIn())
liff.use(new Login())
liff.use(new Logout())
liff.use(new GetIDToken())
liff.use(new GetLanguage())

export { liff }
