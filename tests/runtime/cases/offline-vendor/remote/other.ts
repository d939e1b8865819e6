// Not imported when the function is prepared: never vendored.
export const other = 1;
