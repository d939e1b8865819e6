// Remote modules, from the vendor/ directory shipped with the function.
import { greet } from "${MODULE_SERVER}/dep.ts";

export const handler = (event: { name: string }) => ({ greeting: greet(event.name) });
