// Imports a module that does not exist.
import { value } from "./not-there.ts";
export const handler = () => value;
