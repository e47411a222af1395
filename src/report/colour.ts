/**
 * Terminal colour, only when it helps: on a TTY, and never when NO_COLOR is set to anything but
 * the empty string (https://no-color.org).
 */

export type Paint = (text: string) => string;

export interface Palette {
  readonly add: Paint;
  readonly remove: Paint;
  readonly change: Paint;
  readonly strong: Paint;
  readonly dim: Paint;
}

const plain: Paint = (text) => text;
const ansi = (open: number, close: number): Paint => (text) => `\u001b[${open}m${text}\u001b[${close}m`;

export const NO_PALETTE: Palette = { add: plain, remove: plain, change: plain, strong: plain, dim: plain };
export const ANSI_PALETTE: Palette = { add: ansi(32, 39), remove: ansi(31, 39), change: ansi(33, 39), strong: ansi(1, 22), dim: ansi(2, 22) };

export function shouldUseColour(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}

export function paletteFor(colour: boolean): Palette {
  return colour ? ANSI_PALETTE : NO_PALETTE;
}
