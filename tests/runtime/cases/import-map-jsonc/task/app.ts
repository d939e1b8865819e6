// Resolves "#lib/" through deno.jsonc.
import { answer } from "#lib/answer.ts";

export const handler = () => ({ answer });
