// Exports a non-function under the name the handler asks for.
export const notfn = 42;
export function handler() {
  return "fine";
}
