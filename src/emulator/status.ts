import type { RbacError, RbacErrorKind } from '../engine/errors.js';

/**
 * How an RbacError reads on the wire: milvus.proto.common.Status with the legacy `error_code`
 * enum, the merr numeric `code` and the `reason` text.
 *
 * Measured on 2.3.5 (docs/real-milvus-2.3.5-probe.json) and read in pkg/util/merr/errors.go:
 * - typed (merr) errors carry their code and merr's suffix: ParameterInvalid 1100
 *   "…: invalid parameter", PrivilegeNotAuthenticated 1400 "…: not authenticated",
 *   PrivilegeNotPermitted 1401 "…: privilege not permitted"; their legacy error_code is
 *   IllegalArgument for 1100 and UnexpectedError otherwise;
 * - plain errors carry code 65535 and the bare message;
 * - root-coordinator errors take the legacy `…Failure` code of the call
 *   (CreateCredentialFailure, DropRoleFailure, OperatePrivilegeFailure…), proxy errors do not;
 * - `detail` repeats the reason, except in statuses carrying a legacy `…Failure` code.
 */

export interface WireStatus {
  readonly error_code: string;
  readonly reason: string;
  readonly code: number;
  readonly retriable: boolean;
  readonly detail: string;
  readonly extra_info: Record<string, string>;
}

const UNEXPECTED_CODE = 65535;

const MERR: Partial<Record<RbacErrorKind, { readonly code: number; readonly text: string }>> = {
  ParameterInvalid: { code: 1100, text: 'invalid parameter' },
  InUse: { code: 1100, text: 'invalid parameter' },
  NotAuthenticated: { code: 1400, text: 'not authenticated' },
  ProtectedObject: { code: 1401, text: 'privilege not permitted' },
};

/** merr errors more specific than their kind (pkg/util/merr/errors.go; measured on 2.3.5). */
const MERR_SPECIFIC: Readonly<Record<NonNullable<RbacError['merr']>, { readonly code: number; readonly text: string }>> = {
  DatabaseNameInvalid: { code: 802, text: 'invalid database name' },
};

/** The legacy failure code of each call, used for root-coordinator errors. */
const CALL_FAILURE: Readonly<Record<string, string>> = {
  CreateCredential: 'CreateCredentialFailure',
  UpdateCredential: 'UpdateCredentialFailure',
  DeleteCredential: 'DeleteCredentialFailure',
  ListCredUsers: 'ListCredUsersFailure',
  CreateRole: 'CreateRoleFailure',
  DropRole: 'DropRoleFailure',
  OperateUserRole: 'OperateUserRoleFailure',
  SelectRole: 'SelectRoleFailure',
  SelectUser: 'SelectUserFailure',
  OperatePrivilege: 'OperatePrivilegeFailure',
  OperatePrivilegeV2: 'OperatePrivilegeFailure',
  SelectGrant: 'SelectGrantFailure',
  CreatePrivilegeGroup: 'CreatePrivilegeGroupFailure',
  DropPrivilegeGroup: 'DropPrivilegeGroupFailure',
  ListPrivilegeGroups: 'ListPrivilegeGroupsFailure',
  OperatePrivilegeGroup: 'OperatePrivilegeGroupFailure',
};

export function successStatus(): WireStatus {
  return { error_code: 'Success', reason: '', code: 0, retriable: false, detail: '', extra_info: {} };
}

/** How a version words refusals: see FeatureSet.refusalChains and merrRefusals. */
export interface RefusalStyle {
  /** 2.6.6+: root-coordinator refusals carry their wrappers. */
  readonly chains: boolean;
  /** 2.6.19+: classified through merr. */
  readonly merr: boolean;
}

export function errorStatus(error: RbacError, call: string, style: RefusalStyle = { chains: false, merr: false }): WireStatus {
  if (style.merr) return chainedStatus(error, call);
  const merr = !error.typed ? undefined : error.merr ? MERR_SPECIFIC[error.merr] : MERR[error.kind];
  const code = merr?.code ?? UNEXPECTED_CODE;
  const message = style.chains && error.context ? `${error.context}: ${error.message}` : error.message;
  const reason = merr ? `${message}: ${merr.text}${error.detail}` : message;
  const callFailure = error.layer === 'coord' ? CALL_FAILURE[call] : undefined;
  // merr.Status fills `detail` with the full error text; statuses built with a legacy failure code leave it empty (measured).
  if (callFailure) return { error_code: callFailure, reason, code, retriable: false, detail: '', extra_info: {} };
  return { error_code: legacyCodeOf(code), reason, code, retriable: false, detail: reason, extra_info: {} };
}

/** Root-coordinator refusals that 2.6.19+ reports as merr ParameterInvalid (1100). */
const PARAMETER_KINDS_FROM_2619: ReadonlySet<RbacError['kind']> = new Set(['ParameterInvalid', 'NotFound', 'AlreadyExists', 'InUse']);

/**
 * 2.6.19+ (commit 39c9b039d2, #50545): the reason is the whole error chain, and root-coordinator
 * refusals are classified through merr: quota errors become ServiceQuotaExceeded (code 9,
 * "quota exceeded[reason=…]"), parameter-like ones ParameterInvalid (1100), plain Go errors
 * stay 65535.
 */
function chainedStatus(error: RbacError, call: string): WireStatus {
  const message = error.messageFrom2619 ?? error.message;
  const prefix = error.context ? `${error.context}: ` : '';
  const callFailure = error.layer === 'coord' ? CALL_FAILURE[call] : undefined;
  const build = (code: number, reason: string): WireStatus =>
    callFailure
      ? { error_code: callFailure, reason, code, retriable: false, detail: '', extra_info: {} }
      : { error_code: legacyCodeOf(code), reason, code, retriable: false, detail: reason, extra_info: {} };
  if (error.kind === 'QuotaExceeded') return build(9, `${prefix}quota exceeded[reason=${message}]`);
  const merr = error.merr ? MERR_SPECIFIC[error.merr]
    : error.typed ? MERR[error.kind]
    : error.layer === 'coord' && !error.plainFrom2619 && PARAMETER_KINDS_FROM_2619.has(error.kind) ? MERR.ParameterInvalid
    : undefined;
  if (!merr) return build(UNEXPECTED_CODE, `${prefix}${message}`);
  return build(merr.code, `${prefix}${message}: ${merr.text}${error.detail}`);
}

/** merr's mapping from its codes back to the deprecated ErrorCode enum. */
function legacyCodeOf(code: number): string {
  return code === 1100 ? 'IllegalArgument' : 'UnexpectedError';
}

/** A status built from parts, for injected faults. */
export function customStatus(errorCode: string, code: number, reason: string): WireStatus {
  return { error_code: errorCode, reason, code, retriable: false, detail: '', extra_info: {} };
}
