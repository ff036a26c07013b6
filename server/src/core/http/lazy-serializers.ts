// Response serializers compiled when a route first answers, not when the app starts. Fastify's
// default compiles a fast-json-stringify function for every route and status at start: seconds of
// CPU for Caravan's routes, most of a node's start and of every test's app (a node's first answer
// on a route pays its few milliseconds instead). The compiler is Fastify's own, so the output is
// the same; `compileAll()` compiles every pending one, for the test that checks they all compile.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

type Factory = ReturnType<typeof SerializerSelector>
type Compile = ReturnType<Factory>
type RouteDefinition = Parameters<Compile>[0]

export function lazySerializers() {
  const eager = SerializerSelector()
  const pending = new Set<() => void>()

  const buildSerializer: Factory = (externalSchemas, options) => {
    const compile = eager(externalSchemas, options)
    return (route: RouteDefinition) => {
      let serialize: ReturnType<Compile> | undefined
      const ensure = () => {
        serialize ??= compile(route)
        pending.delete(ensure)
      }
      pending.add(ensure)
      return (doc: unknown) => {
        if (!serialize) ensure()
        return serialize!(doc)
      }
    }
  }

  /** Compiles every serializer not compiled yet; throws the first compile error. */
  function compileAll(): number {
    const count = pending.size
    for (const ensure of [...pending]) ensure()
    return count
  }

  return { buildSerializer, compileAll }
}
