import { describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../src/policy/index.js';

/** Policies using the privileges of 2.6 and 3.0: valid for those targets, refused and located for older ones. */

const POLICY = `version: 1
roles:
  ingest:
    grants:
      - object: Collection
        objectName: events
        privileges: [Insert, GetImportProgress, ListImport, AddCollectionField]
  snapshots:
    grants:
      - object: Collection
        objectName: events
        privileges: [CreateSnapshot, ListSnapshots]
  files:
    grants:
      - privilege: AddFileResource
        level: cluster
`;

function errors(targetVersion: string): [number, number, string][] {
  const result = loadPolicyText(POLICY, 'p.yaml', { targetVersion });
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.column, d.message]);
}

describe('2.6 and 3.0 privileges in a policy', () => {
  it('validates for 3.0.0', () => {
    expect(errors('3.0.0')).toEqual([]);
  });

  it('refuses the 3.0 privileges for 2.6.22, located, naming the version that has them', () => {
    expect(errors('2.6.22')).toEqual([
      [12, 22, 'privilege CreateSnapshot requires Milvus 3.0 or newer, but the target is 2.6.22 (the target server)'],
      [12, 38, 'privilege ListSnapshots requires Milvus 3.0 or newer, but the target is 2.6.22 (the target server)'],
    ]);
  });

  it('refuses every newer privilege for 2.5.4, each where it is written', () => {
    const found = errors('2.5.4');
    expect(found.map(([line, , message]) => [line, message.split(' requires ')[0]])).toEqual([
      [7, 'privilege GetImportProgress'],
      [7, 'privilege ListImport'],
      [7, 'privilege AddCollectionField'],
      [12, 'privilege CreateSnapshot'],
      [12, 'privilege ListSnapshots'],
      [15, 'privilege AddFileResource'],
    ]);
    expect(found[0]?.[2]).toContain('requires Milvus 2.6 or newer');
    expect(found[5]?.[2]).toContain('requires Milvus 2.6.1 or newer');
  });

  it('says a main-branch privilege is in no release yet', () => {
    const result = loadPolicyText('version: 1\nroles:\n  r:\n    grants:\n      - privilege: SkipRLS\n        level: cluster\n', 'p.yaml', { targetVersion: '3.0.0' });
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      "privilege SkipRLS (on Milvus's main branch, in no release yet) requires Milvus 3.1 or newer, but the target is 3.0.0 (the target server)",
    ]);
  });
});
