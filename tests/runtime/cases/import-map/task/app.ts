// Resolves "greet/" through the task root's deno.json, not a relative path.
import { greeting } from "greet/mod.ts";

export const handler = (event: { name: string }) => greeting(event.name);
