// A module path with dots, in a subdirectory: _HANDLER=lib/api.v2.handler.
export function handler() {
  return "lib/api.v2.ts";
}
