// Text and bytes, shared by the other modules.

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
