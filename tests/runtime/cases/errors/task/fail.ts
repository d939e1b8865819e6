// Fails in the way the event asks for; the runtime must report each one and
// keep serving.
class ValidationError extends Error {}
class Named extends Error {
  override name = "CustomName";
}
class Ünïcode extends Error {}

export async function handler(event: { kind: string }) {
  switch (event.kind) {
    case "type":
      throw new TypeError("bad type");
    case "subclass":
      throw new ValidationError("no name of its own");
    case "named":
      throw new Named("named itself");
    case "string":
      throw "plain string";
    case "object":
      throw { code: 42 };
    case "undefined":
      throw undefined;
    case "reject":
      return Promise.reject(new RangeError("rejected"));
    case "after-await":
      await new Promise((r) => setTimeout(r, 10));
      throw new URIError("after an await");
    case "hostile":
      throw new Error('quote " backslash \\ newline \n tab \t \u00e9 \u2713 \u0002');
    case "unicode-name":
      throw new Ünïcode("non-ASCII class name");
    default:
      return "still serving";
  }
}
