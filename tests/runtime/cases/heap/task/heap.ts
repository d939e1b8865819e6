// Reports V8's heap limit (old and young generation together), in MiB.
import { getHeapStatistics } from "node:v8";

export function handler() {
  return {
    limit: Math.round(getHeapStatistics().heap_size_limit / 1048576),
    gc: typeof (globalThis as { gc?: unknown }).gc,
  };
}
