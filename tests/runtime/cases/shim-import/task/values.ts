// Imports the shim for values, not just types: the module is the one already
// running as the main module, and must neither deadlock nor start a second loop.
import * as shim from "/opt/runtime/shim.ts";

export const handler = () => ({ exports: Object.keys(shim) });
