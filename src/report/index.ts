/** Renderers of plans: text (terminal), JSON (machines), Markdown (pull-request comments). */
import { paletteFor } from './colour.js';
import type { RenderablePlan } from './plan-changes.js';
import { renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import type { MarkdownOptions } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

export { paletteFor, shouldUseColour, ANSI_PALETTE, NO_PALETTE } from './colour.js';
export type { Palette } from './colour.js';
export { groupChanges, summarise, summaryLine, describeGrant, describeGrantTarget, NO_CHANGES } from './plan-changes.js';
export type { ChangeSummary, ObjectChange, RenderablePlan, RenderableStep } from './plan-changes.js';
export { planToJson, renderPlanJson } from './plan-json.js';
export type { PlanJson } from './plan-json.js';
export { DEFAULT_MARKDOWN_BUDGET, renderPlanMarkdown } from './plan-markdown.js';
export type { MarkdownOptions } from './plan-markdown.js';
export { renderPlanText } from './plan-text.js';

export const PLAN_FORMATS = ['text', 'json', 'markdown'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function renderPlan(plan: RenderablePlan, format: PlanFormat, options: { readonly colour?: boolean; readonly markdown?: MarkdownOptions } = {}): string {
  switch (format) {
    case 'json':
      return renderPlanJson(plan);
    case 'markdown':
      return renderPlanMarkdown(plan, options.markdown);
    case 'text':
      return renderPlanText(plan, { palette: paletteFor(options.colour ?? false) });
  }
}
