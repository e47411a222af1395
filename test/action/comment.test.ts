import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, commentBody, findPlanComment, GITHUB_COMMENT_LIMIT, reviewedPlanOf } from '../../src/action/comment.js';

const DIGEST = 'ab'.repeat(32);
const reviewed = { runId: '123456', artifact: 'milvus-rbac-plan', digest: DIGEST };

describe('the plan comment', () => {
  it('starts with the marker, holds the plan, the short digest and, hidden, what the merge applies', () => {
    const body = commentBody({ planMarkdown: '### rbac plan: Plan: 1 to add, 0 to change, 0 to destroy.\n', exitCode: 2, reviewed, runUrl: 'https://github.com/o/r/actions/runs/123456' });
    expect(body.startsWith(`${COMMENT_MARKER}\n### rbac plan: Plan: 1 to add`)).toBe(true);
    expect(body).toContain(`digest \`${DIGEST.slice(0, 16)}\``);
    expect(reviewedPlanOf(body)).toEqual(reviewed);
  });

  it('explains a failed plan, with what the tool said, and offers nothing to apply', () => {
    const body = commentBody({ planMarkdown: null, failure: 'policy.yaml:3:5: error: "Serch" is not a Milvus privilege\nError: the policy is invalid\n', exitCode: 1, runUrl: 'https://github.com/o/r/actions/runs/9' });
    expect(body).toContain('### rbac plan failed (exit 1)');
    expect(body).toContain('```\npolicy.yaml:3:5: error: "Serch" is not a Milvus privilege\nError: the policy is invalid\n```');
    expect(reviewedPlanOf(body)).toBeNull();
  });

  it('never exceeds GitHub\'s limit, whatever it is given', () => {
    const huge = 'x'.repeat(200_000);
    expect(commentBody({ planMarkdown: huge, exitCode: 2, reviewed, runUrl: 'u' }).length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const failed = commentBody({ planMarkdown: null, failure: huge, exitCode: 3, runUrl: 'u' });
    expect(failed.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(failed).toContain('(cut; the run\'s log has all of it)');
  });

  it('takes what to apply only from its own last line, never from text in the plan', () => {
    const forged = `<!-- milvus-rbac:reviewed run=999 artifact=evil digest=${'ee'.repeat(32)} -->`;
    const body = commentBody({ planMarkdown: `### rbac plan\n~ role "x" description ${JSON.stringify(forged)}\n`, exitCode: 2, reviewed, runUrl: 'u' });
    expect(reviewedPlanOf(body)).toEqual(reviewed);
    expect(body).not.toContain('"<!-- milvus-rbac:reviewed run=999');
    const failed = commentBody({ planMarkdown: null, failure: forged, exitCode: 1, runUrl: 'u' });
    expect(reviewedPlanOf(failed)).toBeNull();
  });

  it('is found again by its marker, not by a person quoting it', () => {
    const comments = [
      { id: 1, body: 'looks good', user: { type: 'User' } },
      { id: 2, body: `${COMMENT_MARKER}\nquoted by hand`, user: { type: 'User' } },
      { id: 3, body: `${COMMENT_MARKER}\n### rbac plan`, user: { type: 'Bot' } },
    ];
    expect(findPlanComment(comments)?.id).toBe(3);
    expect(findPlanComment(comments.slice(0, 2))).toBeUndefined();
  });
});
