// Imports a remote module that was not vendored.
import { other } from "${MODULE_SERVER}/other.ts";

export const handler = () => ({ other });
