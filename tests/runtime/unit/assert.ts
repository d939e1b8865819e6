// The few assertions the unit tests need (no std: it would be downloaded).

export function equal(actual: unknown, expected: unknown, what = ""): void {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${what}\n  actual:   ${a}\n  expected: ${e}`);
  }
}

export function ok(value: unknown, what = ""): void {
  if (!value) throw new Error(`not true: ${what}`);
}

export async function rejects(
  f: () => Promise<unknown>,
  pattern: RegExp,
): Promise<void> {
  try {
    await f();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!pattern.test(message)) {
      throw new Error(`rejected with '${message}', not ${pattern}`);
    }
    return;
  }
  throw new Error(`did not reject (expected ${pattern})`);
}
