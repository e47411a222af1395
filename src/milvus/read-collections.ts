import { promisify } from '@zilliz/milvus2-sdk-node';
import type { CollectionsOfDatabase, CollectionsRead } from '../model/collections.js';
import type { MilvusConnection } from './connection.js';
import { mapWithConcurrency } from './concurrency.js';
import { checkResponse, fromThrown } from './errors.js';
import type { StatusShape } from './errors.js';

/**
 * Which collections and aliases exist, per database: on Milvus 2.6.12+ grants follow their
 * collection (a grant naming an alias lands on the collection), so planning needs to know.
 * Per database: ShowCollections and ListAliases (all of the database's aliases when no collection
 * is named: rootcoord MetaTable.ListAliases), then DescribeAlias for each alias.
 */


const CONCURRENCY = 8;

async function raw<T extends { status?: StatusShape }>(conn: MilvusConnection, method: string, request: object, label: string): Promise<T> {
  try {
    // The SDK's listAliases and describeAlias insist on a collection name; Milvus does not.
    const response = (await promisify(conn.client.channelPool, method, request, conn.client.timeout)) as T;
    checkResponse(response, label);
    return response;
  } catch (error) {
    throw fromThrown(error, label);
  }
}

async function readDatabase(conn: MilvusConnection, db: string): Promise<CollectionsOfDatabase> {
  const [shown, listed] = await Promise.all([
    raw<{ status?: StatusShape; collection_names?: string[] }>(conn, 'ShowCollections', { db_name: db }, `ShowCollections db=${db}`),
    raw<{ status?: StatusShape; aliases?: string[] }>(conn, 'ListAliases', { db_name: db }, `ListAliases db=${db}`),
  ]);
  const aliasNames = listed.aliases ?? [];
  const targets = await mapWithConcurrency(aliasNames, CONCURRENCY, (alias) =>
    raw<{ status?: StatusShape; collection?: string }>(conn, 'DescribeAlias', { db_name: db, alias }, `DescribeAlias db=${db} alias=${alias}`),
  );
  const aliases = new Map<string, string>();
  aliasNames.forEach((alias, i) => {
    const target = targets[i]?.collection;
    if (target) aliases.set(alias, target);
  });
  return { collections: new Set(shown.collection_names ?? []), aliases };
}

export async function readCollections(conn: MilvusConnection, databases: readonly string[]): Promise<CollectionsRead> {
  const names = [...new Set(databases)].filter((d) => d !== '*');
  const read = await Promise.all(names.map((db) => readDatabase(conn, db)));
  return new Map(names.map((db, i) => [db, read[i] as CollectionsOfDatabase]));
}
