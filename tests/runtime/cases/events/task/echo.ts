export const handler = (event: unknown) => ({ event });
