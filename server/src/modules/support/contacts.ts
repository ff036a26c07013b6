// A customer named only by an e-mail address (inbound mail, the widget's offline form): the account
// with that address, or a host user created for it (externalId `email:<address>`). The address is
// as unproven as a mail's From: such a customer can be written to, never signed in as.
import type { AccountsService } from '../accounts'

export async function customerByEmail(
  accounts: AccountsService,
  address: string,
  name: string | undefined,
  field: string,
): Promise<string> {
  const known = await accounts.userIdByEmail(address)
  if (known) return known
  const [id] = await accounts.hostUsers.resolveRefs(
    [{ externalId: `email:${address}`, email: address, ...(name ? { name: name.slice(0, 100) } : {}) }],
    {
      upsert: true,
      field,
    },
  )
  return id!
}
