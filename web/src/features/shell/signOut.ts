import { navigate } from '../../navigation'
import { client } from '../auth/session'

export async function signOut() {
  await client.logout()
  navigate('/sign-in', { replace: true })
}
