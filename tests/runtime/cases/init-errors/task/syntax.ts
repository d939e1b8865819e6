// Does not compile.
export function handler( {
  return 1;
}
