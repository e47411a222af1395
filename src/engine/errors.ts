/**
 * The errors the RBAC engine raises, one kind per way Milvus refuses a call. The engine knows
 * WHAT went wrong and in which Milvus component the check lives; turning that into a wire status
 * (legacy error_code, merr code, reason) per Milvus version is the emulator's job
 * (src/emulator/status.ts), and the planner only needs the kind and message.
 */

export type RbacErrorKind =
  /** A name, password or argument breaks a rule (merr ParameterInvalid, 1100). */
  | 'ParameterInvalid'
  /** The role, user or group the call names does not exist. */
  | 'NotFound'
  | 'AlreadyExists'
  /** proxy.maxUserNum / proxy.maxRoleNum reached. */
  | 'QuotaExceeded'
  /** The caller lacks the privilege the call needs (gRPC PERMISSION_DENIED). */
  | 'PermissionDenied'
  /** Bad credentials, or a wrong old password (merr PrivilegeNotAuthenticated, 1400). */
  | 'NotAuthenticated'
  /** The call does not exist on this Milvus version. */
  | 'Unimplemented'
  /** A role still holding grants, a privilege group still granted. */
  | 'InUse'
  /** root, admin, public: refused with merr PrivilegeNotPermitted (1401). */
  | 'ProtectedObject'
  /** Failures Milvus reports as UnexpectedError, e.g. bcrypt refusing a long password. */
  | 'Internal';

/**
 * Where Milvus runs the check. Proxy checks answer with merr codes (IllegalArgument/1100…);
 * root-coordinator checks answer with the call's legacy `…Failure` code and 65535 on 2.3–2.5.
 */
export type RbacErrorLayer = 'proxy' | 'coord';

export interface RbacErrorOptions {
  readonly layer?: RbacErrorLayer;
  /** Extra text Milvus appends after the merr suffix, e.g. `[5 out of range 6 <= value <= 256]`. */
  readonly detail?: string;
  /** For PermissionDenied: the privilege Milvus names (`CreateOwnership`). */
  readonly privilege?: string;
  /**
   * Whether Milvus raises it as a typed merr error (its code, e.g. 1100, and the suffix
   * ": invalid parameter" go on the wire) rather than a plain error (code 65535, bare message).
   * Defaults: proxy checks are typed, root-coordinator checks are plain.
   */
  readonly typed?: boolean;
  /** A more specific merr error than the kind implies, e.g. DatabaseNameInvalid (code 802). */
  readonly merr?: 'DatabaseNameInvalid';
  /**
   * The root coordinator's wrapper around the message (`failed to check if alter role`): from
   * 2.6.19 the reason carries the whole chain, before that only the innermost message.
   */
  readonly context?: string;
  /** How 2.6.19+ words the innermost message, where it changed (`user "X" not found`). */
  readonly messageFrom2619?: string;
  /**
   * 2.6.19+ classifies root-coordinator refusals through merr: most become ParameterInvalid
   * (1100); those raised as plain Go errors stay 65535 (`plain`).
   */
  readonly plainFrom2619?: boolean;
}

export class RbacError extends Error {
  readonly kind: RbacErrorKind;
  readonly layer: RbacErrorLayer;
  readonly detail: string;
  readonly privilege: string | undefined;
  readonly typed: boolean;
  readonly merr: 'DatabaseNameInvalid' | undefined;
  readonly context: string | undefined;
  readonly messageFrom2619: string | undefined;
  readonly plainFrom2619: boolean;

  /** `message` is Milvus's own text for the failure, without any merr suffix. */
  constructor(kind: RbacErrorKind, message: string, options: RbacErrorOptions = {}) {
    super(message);
    this.name = 'RbacError';
    this.kind = kind;
    this.layer = options.layer ?? defaultLayer(kind);
    this.detail = options.detail ?? '';
    this.privilege = options.privilege;
    this.typed = options.typed ?? this.layer === 'proxy';
    this.merr = options.merr;
    this.context = options.context;
    this.messageFrom2619 = options.messageFrom2619;
    this.plainFrom2619 = options.plainFrom2619 ?? false;
  }
}

function defaultLayer(kind: RbacErrorKind): RbacErrorLayer {
  switch (kind) {
    case 'ParameterInvalid':
    case 'ProtectedObject':
    case 'NotAuthenticated':
    case 'PermissionDenied':
    case 'Unimplemented':
      return 'proxy';
    default:
      return 'coord';
  }
}

export function isRbacError(value: unknown): value is RbacError {
  return value instanceof RbacError;
}
