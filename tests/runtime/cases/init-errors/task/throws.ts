// Throws while the module loads; the message is hostile to hand-built JSON.
export function handler() {
  return "unreachable";
}
throw new Error('config "missing": C:\\temp\\x\nsecond line\ttab \u00e9 \u2713 \u0001');
