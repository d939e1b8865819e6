// Finding and loading the handler that _HANDLER names.

import { describe, errorBody, InitError } from "./errors.ts";
import type { Handler } from "./types.ts";

// Handler module extensions, in the order they are tried.
export const EXTENSIONS = [".ts", ".js", ".mjs", ".mts", ".tsx", ".jsx"];

/** `<module path>.<export>`, split on the last dot; the module path may hold dots. */
export function parseHandler(spec: string): { module: string; name: string } {
  const dot = spec.lastIndexOf(".");
  const module = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  if (dot <= 0 || name === "" || module.endsWith("/")) {
    throw new InitError(
      "Runtime.MalformedHandlerName",
      `Bad handler '${spec}': expected <module path>.<export name>, for example mod.handler`,
    );
  }
  return { module, name };
}

export function toFileUrl(path: string): string {
  return "file://" + path.split("/").map(encodeURIComponent).join("/");
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** The first root/module + extension that is a file, or undefined. */
export function findModule(
  root: string,
  module: string,
  exists: (path: string) => boolean = isFile,
): string | undefined {
  for (const ext of EXTENSIONS) {
    const path = `${root}/${module}${ext}`;
    if (exists(path)) return path;
  }
  return undefined;
}

/** The export `name` of the loaded module, which must be a function. */
export function pickHandler(
  exports: Record<string, unknown>,
  spec: string,
  name: string,
): Handler {
  const handler = exports[name];
  if (handler === undefined) {
    throw new InitError(
      "Runtime.HandlerNotFound",
      `${spec} is undefined or not exported`,
    );
  }
  if (typeof handler !== "function") {
    throw new InitError(
      "Runtime.HandlerNotFound",
      `${spec} is not a function (it is ${typeof handler})`,
    );
  }
  return handler as Handler;
}

/** Loads the handler `spec` from the task root; throws an InitError. */
export async function loadHandler(
  spec: string,
  taskRoot: string,
): Promise<Handler> {
  const { module, name } = parseHandler(spec);
  const root = taskRoot.replace(/\/+$/, "");
  let path: string | undefined;
  try {
    path = findModule(root, module);
  } catch (e) {
    throw new InitError(
      "Runtime.ImportModuleError",
      `Cannot look for module '${module}' in ${root}: ${describe(e)}`,
      e,
    );
  }
  if (path === undefined) {
    throw new InitError(
      "Runtime.ImportModuleError",
      `Cannot find module '${module}' in ${root} (tried ${
        EXTENSIONS.map((x) => module + x).join(", ")
      })`,
    );
  }
  let exports: Record<string, unknown>;
  try {
    exports = await import(toFileUrl(path));
  } catch (e) {
    const body = errorBody(e);
    throw new InitError(
      "Runtime.ImportModuleError",
      `${body.errorType}: ${body.errorMessage}`,
      e,
    );
  }
  return pickHandler(exports, spec, name);
}
