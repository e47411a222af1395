/** explain / who-can: effective access from a policy or a live Milvus. Pure apart from source.ts. */
import { AccessIndex } from '../model/access.js';
import { ROOT_USER } from '../model/names.js';
import { effectiveAccess } from './effective.js';
import type { EffectiveAccess } from './effective.js';
import { buildQuery } from './query.js';
import type { QueryInput } from './query.js';
import type { ExplainSource } from './source.js';
import { whoCan } from './who-can.js';
import type { WhoCanAnswer } from './who-can.js';

export { effectiveAccess, entryCovers } from './effective.js';
export type { EffectiveAccess, EffectiveEntry, IneffectiveGrant } from './effective.js';
export { buildQuery, QueryError } from './query.js';
export type { QueryInput } from './query.js';
export { explainJson, renderExplainText, renderWhoCanText, whoCanJson, describeGrant, describePath, groupEntries } from './render.js';
export { whoCan } from './who-can.js';
export type { RoleAnswer, UserAnswer, WhoCanAnswer } from './who-can.js';
export { rulesVersion, sourceFromLive, sourceFromPolicy, SourceError } from './source.js';
export type { ExplainSource, SourceResult } from './source.js';

export class UnknownUserError extends Error {
  override readonly name = 'UnknownUserError';
}

/** Everything `user` may do in the source's state; throws for a user the state does not have. */
export function explainUser(source: ExplainSource, user: string): EffectiveAccess {
  const index = new AccessIndex(source.state, source.version);
  if (user !== ROOT_USER && !index.userNames().includes(user)) {
    throw new UnknownUserError(`no user "${user}" in ${source.origin}`);
  }
  return effectiveAccess(index, user);
}

export function whoCanFor(source: ExplainSource, input: QueryInput): WhoCanAnswer {
  return whoCan(new AccessIndex(source.state, source.version), buildQuery(input));
}
