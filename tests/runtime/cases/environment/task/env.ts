// Reports the environment bootstrap gave Deno.
export function handler() {
  const get = (k: string) => Deno.env.get(k) ?? null;
  return {
    DENO_DIR: get("DENO_DIR"),
    NO_COLOR: get("NO_COLOR"),
    DENO_NO_UPDATE_CHECK: get("DENO_NO_UPDATE_CHECK"),
    NO_PROXY: get("NO_PROXY"),
    no_proxy: get("no_proxy"),
    cwd: Deno.cwd(),
  };
}
