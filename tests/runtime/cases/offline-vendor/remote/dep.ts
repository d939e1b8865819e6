// A remote module, vendored into the function by `deno cache` with "vendor": true.
export const greet = (name: string) => `hello, ${name}`;
