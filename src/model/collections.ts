/** Which collections and aliases a database holds, as read from Milvus 2.6.12+ (where grants follow them). */
export interface CollectionsOfDatabase {
  readonly collections: ReadonlySet<string>;
  /** alias → collection. */
  readonly aliases: ReadonlyMap<string, string>;
}

/** database → its collections and aliases. */
export type CollectionsRead = ReadonlyMap<string, CollectionsOfDatabase>;
