// Everything a bench starts registers its undo here; the undos run once, newest first, on success,
// failure, Ctrl-C or SIGTERM alike. Only a `kill -9` of the bench itself leaves things behind.
const cleanups: Array<() => Promise<unknown>> = []
let cleaning: Promise<void> | undefined

export function onCleanup(undo: () => Promise<unknown>): void {
  cleanups.push(undo)
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const undo of cleanups.splice(0).reverse()) {
      await undo().catch((e) => console.error('cleanup:', (e as Error).message))
    }
  })()
  return cleaning
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping servers and dropping the bench databases…`)
    void cleanup().finally(() => process.exit(code))
  })
}

/**
 * Runs a bench's main function, always cleans up, and exits with its code: main's own (0 clean,
 * 2 flagged), or 1 when it threw (the bench could not run).
 */
export async function runBench(main: () => Promise<number>): Promise<never> {
  let exitCode = 1
  try {
    exitCode = await main()
  } catch (e) {
    console.error('bench failed:', (e as Error).message)
  } finally {
    await cleanup()
  }
  process.exit(exitCode)
}
