/**
 * What a PEM file holds, told by its armour lines: the client's TLS files and the emulator's are
 * checked the same way before any TLS library reads them.
 */
const ARMOUR = {
  certificate: /-----BEGIN CERTIFICATE-----/,
  'private key': /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/,
  'encrypted private key': /-----BEGIN ENCRYPTED PRIVATE KEY-----/,
} as const;

export type PemKind = keyof typeof ARMOUR;

export function pemHolds(content: Buffer, kind: PemKind): boolean {
  return ARMOUR[kind].test(content.toString('latin1'));
}
