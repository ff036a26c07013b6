// Random bytes for ids and nonces, drawn from a pool filled 4 kB at a time: a call into the CSPRNG
// per message (an id and a nonce each) showed up in chat's CPU profile; one per 4 kB does not.
// The bytes are the same CSPRNG's; each is handed out once. Keys are not drawn from here.
import { randomFillSync } from 'node:crypto'

const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let offset = POOL_BYTES

/** `size` (≤ 256) fresh random bytes, copied out of the pool (the caller may keep and change them). */
export function poolRandomBytes(size: number): Buffer {
  if (size > 256) throw new RangeError('poolRandomBytes is for ids and nonces (at most 256 bytes)')
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool)
    offset = 0
  }
  const out = Buffer.from(pool.subarray(offset, offset + size))
  // Handed out bytes are wiped from the pool.
  pool.fill(0, offset, offset + size)
  offset += size
  return out
}
