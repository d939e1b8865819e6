export const greeting = (name: string) => `hello ${name} from the import map`;
