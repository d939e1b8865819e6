// An npm dependency, from the node_modules/ shipped with the function.
import isNumber from "is-number";

export const handler = (event: unknown) => ({ isNumber: isNumber(event) });
