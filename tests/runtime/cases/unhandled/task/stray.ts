// Rejections and exceptions that nothing handles, during and after an invocation.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function handler(event: { kind: string }) {
  switch (event.kind) {
    case "reject-during":
      Promise.reject(new Error("forgotten rejection"));
      await sleep(100);
      return "should not be sent";
    case "throw-during":
      setTimeout(() => {
        throw new SyntaxError("timer threw");
      }, 10);
      await sleep(100);
      return "should not be sent";
    case "reject-after":
      setTimeout(() => Promise.reject(new Error("stray rejection")), 30);
      return "returned before the rejection";
    case "throw-after":
      setTimeout(() => {
        throw new Error("stray timer");
      }, 30);
      return "returned before the throw";
    default:
      return "alive";
  }
}
