/** explain / who-can: effective access from a policy or a live Milvus. Pure apart from source.ts. */
import { AccessIndex } from '../model/access.js';
import type { AccessQuery } from '../model/access.js';
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
export { builtinGroupDifferences, describeGroupDifference } from './server-groups.js';
export type { BuiltinGroupDifference } from './server-groups.js';

export class UnknownUserError extends Error {
  override readonly name = 'UnknownUserError';
}

/**
 * The index answering for a source: its state, its version's rules, its declared server settings
 * and, live, the server's built-in groups.
 */
export function accessIndexFor(source: ExplainSource): AccessIndex {
  return new AccessIndex(source.state, source.version, source.builtinGroups, { rootShouldBindRole: source.serverSettings?.rootShouldBindRole === true });
}

/** The source's own notes first (they say where the answer comes from), then the answer's. */
function withSourceNotes<T extends { readonly notes?: readonly string[] }>(source: ExplainSource, answer: T): T {
  if (!source.notes || source.notes.length === 0) return answer;
  return { ...answer, notes: [...source.notes, ...(answer.notes ?? [])] };
}

/** Everything `user` may do in the source's state; throws for a user the state does not have. */
export function explainUser(source: ExplainSource, user: string): EffectiveAccess {
  const index = accessIndexFor(source);
  if (user !== ROOT_USER && !index.userNames().includes(user)) {
    throw new UnknownUserError(`no user "${user}" in ${source.origin}`);
  }
  return withSourceNotes(source, effectiveAccess(index, user));
}

/** who-can for one question already built (see buildQuery), with the source's groups and notes. */
export function whoCanInSource(source: ExplainSource, query: AccessQuery): WhoCanAnswer {
  return withSourceNotes(source, whoCan(accessIndexFor(source), query));
}

export function whoCanFor(source: ExplainSource, input: QueryInput): WhoCanAnswer {
  return whoCanInSource(source, buildQuery(input));
}
