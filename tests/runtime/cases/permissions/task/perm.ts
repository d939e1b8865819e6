// Tries what DENO_PERMISSIONS allows and forbids; reports what DENO_FLAGS set.
export function handler(event: { kind: string }) {
  if (event.kind === "write") {
    Deno.writeTextFileSync(`${Deno.env.get("TMPDIR") ?? "/tmp"}/perm-test`, "x");
    return "wrote";
  }
  return { location: globalThis.location?.href ?? null, task: Deno.readTextFileSync("perm.ts").length > 0 };
}
