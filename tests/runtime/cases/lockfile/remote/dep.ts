export const origin = "a remote module";
