// Logs through every console method, during init and during an invocation.
console.log("at init");

export function handler() {
  console.log("hello %s, %d items, %j", "world", 3, { a: 1 });
  console.info("info line");
  console.warn("first line\nsecond line");
  console.error(new TypeError("logged error"));
  console.debug({ nested: { b: [1, 2] } });
  console.trace("traced");
  return "logged";
}
