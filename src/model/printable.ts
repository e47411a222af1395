/**
 * Control characters written as escapes (`\u0000`, `\u001b`), so a name or value that holds one
 * cannot break a line, hide text or drive the terminal when a message quotes it.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
