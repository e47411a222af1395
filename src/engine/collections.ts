import { RbacError } from './errors.js';

/**
 * Collections and aliases, kept only as far as grants need them: Milvus 2.6.12+ deletes the
 * grants of a dropped collection, moves them with a renamed one, and lands a grant naming an
 * alias on its collection. Schemas, data and indexes are not modelled.
 */

function notFound(db: string, name: string): RbacError {
  return new RbacError('NotFound', `collection not found[database=${db}][collection=${name}]`, { layer: 'proxy', typed: false });
}

export class Collections {
  /** database → collection names. */
  private readonly byDatabase = new Map<string, Set<string>>();
  /** database → alias → collection. */
  private readonly aliases = new Map<string, Map<string, string>>();

  private namesIn(db: string): Set<string> {
    let names = this.byDatabase.get(db);
    if (!names) {
      names = new Set();
      this.byDatabase.set(db, names);
    }
    return names;
  }

  private aliasesIn(db: string): Map<string, string> {
    let map = this.aliases.get(db);
    if (!map) {
      map = new Map();
      this.aliases.set(db, map);
    }
    return map;
  }

  has(db: string, name: string): boolean {
    return this.byDatabase.get(db)?.has(name) ?? false;
  }

  list(db: string): string[] {
    return [...(this.byDatabase.get(db) ?? [])].sort();
  }

  create(db: string, name: string): void {
    if (this.has(db, name) || this.aliasesIn(db).has(name)) {
      throw new RbacError('AlreadyExists', `collection already exists[database=${db}][collection=${name}]`, { layer: 'proxy', typed: false });
    }
    this.namesIn(db).add(name);
  }

  /**
   * Drops the collection; false when there was none (a no-op). A collection with aliases is
   * refused, as Milvus's drop-collection task does (ASSUMPTION: wording as in its source).
   */
  drop(db: string, name: string): boolean {
    if (!this.has(db, name)) return false;
    const aliases = this.listAliases(db, name);
    if (aliases.length > 0) {
      throw new RbacError('InUse', `unable to drop the collection [${name}] because it has associated aliases [${aliases.join(' ')}], please remove all aliases before dropping the collection`, { layer: 'proxy', typed: false });
    }
    this.namesIn(db).delete(name);
    return true;
  }

  rename(db: string, name: string, newDb: string, newName: string): void {
    if (!this.has(db, name)) throw notFound(db, name);
    if (this.has(newDb, newName)) throw new RbacError('AlreadyExists', `duplicated new collection name ${newName} in database ${newDb}`, { layer: 'proxy', typed: false });
    this.namesIn(db).delete(name);
    this.namesIn(newDb).add(newName);
    // An alias points at the collection itself, not its name.
    const aliases = this.aliasesIn(db);
    for (const [alias, target] of aliases) if (target === name) aliases.set(alias, newName);
  }

  createAlias(db: string, alias: string, collection: string): void {
    if (!this.has(db, collection)) throw notFound(db, collection);
    if (this.has(db, alias) || this.aliasesIn(db).has(alias)) {
      throw new RbacError('AlreadyExists', `alias already exist[database=${db}][alias=${alias}]`, { layer: 'proxy', typed: false });
    }
    this.aliasesIn(db).set(alias, collection);
  }

  alterAlias(db: string, alias: string, collection: string): void {
    if (!this.has(db, collection)) throw notFound(db, collection);
    if (!this.aliasesIn(db).has(alias)) throw new RbacError('NotFound', `alias not found[database=${db}][alias=${alias}]`, { layer: 'proxy', typed: false });
    this.aliasesIn(db).set(alias, collection);
  }

  dropAlias(db: string, alias: string): void {
    this.aliasesIn(db).delete(alias);
  }

  /** The collection an alias names, or undefined. */
  resolveAlias(db: string, alias: string): string | undefined {
    return this.aliases.get(db)?.get(alias);
  }

  /** Aliases in a database, of one collection or of all. */
  listAliases(db: string, collection?: string): string[] {
    return [...this.aliasesIn(db)].filter(([, target]) => !collection || target === collection).map(([alias]) => alias).sort();
  }
}
