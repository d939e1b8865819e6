// The example function: handler `mod.handler` on the Deno layer. A typed
// handler would import the layer's types (erased at run time):
//   import type { Context, Handler } from "/opt/runtime/shim.ts";
export function handler(event: unknown) {
  return {
    message: 'Hello from Deno on Lambda!',
    echo: event,
    runtime: `Deno ${Deno.version.deno}`,
    ts: new Date().toISOString(),
  };
}
