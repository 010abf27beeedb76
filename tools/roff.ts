// Escaping text for man(7) roff, so that what the CLI says reaches the page
// as it is and `man --warnings` stays quiet.

/** Prose: backslashes kept, option-like dashes as \- (so -u and --root copy as ASCII), lines never start a request. */
export function roffText(s: string): string {
  return s
    .replace(/\\/g, '\\e')
    .replace(/(?<![A-Za-z0-9])-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? '\\&' + l : l))
    .join('\n');
}

/** Something typed literally (a command line, a path, a name): every dash is a minus. */
export function roffCode(s: string): string {
  return roffText(s).replace(/(?<!\\)-/g, '\\-');
}

export const bold = (s: string): string => `\\fB${roffCode(s)}\\fR`;
export const italic = (s: string): string => `\\fI${roffCode(s)}\\fR`;
