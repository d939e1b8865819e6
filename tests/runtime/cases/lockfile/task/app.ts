// A remote dependency: Deno caches it in DENO_DIR and would record it in a
// lockfile next to deno.json, in the read-only task root, unless told not to.
import { origin } from "dep";

export const handler = () => origin;
