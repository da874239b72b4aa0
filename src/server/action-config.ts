import { z } from 'zod';
import { ACTION_DEFAULTS, type ActionSettings } from '../app/action.js';
import { OPERATION_NAMES, type OperationName } from '../okta/lifecycle.js';

/**
 * The action instance's configuration: what the integration holds as defaults and what each
 * workflow holds as its own copy. The connection (Okta host, token) is the integration's alone.
 */
export const actionConfigSchema = z.object({
  action: z.enum(OPERATION_NAMES as [OperationName, ...OperationName[]], { error: 'Choose one of the actions.' }),
  objectsPerRun: z.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(1, 'At least 1.').max(1_000_000, 'At most 1,000,000.'),
  concurrency: z.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(1, 'At least 1.').max(75, 'At most 75 (Okta allows 75 requests in flight per org).'),
  rateShare: z.number({ error: 'Enter a number.' }).gt(0, 'Above 0.').max(1, 'At most 1 (the whole bucket).'),
  protectedAccounts: z
    .array(z.string().trim().min(1, 'Empty entry.').max(1024, 'Too long.'))
    .max(10_000, 'At most 10,000 entries.'),
});

export type ActionConfig = z.infer<typeof actionConfigSchema>;

export const DEFAULT_ACTION_CONFIG: Readonly<ActionConfig> = Object.freeze({
  action: 'suspend',
  objectsPerRun: ACTION_DEFAULTS.objectsPerRun,
  concurrency: ACTION_DEFAULTS.concurrency,
  rateShare: ACTION_DEFAULTS.rateShare,
  protectedAccounts: [],
});

/** The engine's settings for one run of an action instance. */
export function toActionSettings(config: ActionConfig, extra: { dryRun: boolean; maxChanges?: number | null }): ActionSettings {
  return {
    ...ACTION_DEFAULTS,
    action: config.action,
    dryRun: extra.dryRun,
    objectsPerRun: config.objectsPerRun,
    concurrency: config.concurrency,
    rateShare: config.rateShare,
    maxChanges: extra.maxChanges ?? null,
    protect: { entries: [...config.protectedAccounts], groups: [] },
  };
}

/** Row columns shared by the integration and workflow tables. */
export interface ActionConfigRow {
  action: string;
  objects_per_run: number;
  concurrency: number;
  rate_share: number;
  protected_json: string;
}

export function configFromRow(row: ActionConfigRow): ActionConfig {
  return {
    action: row.action as OperationName,
    objectsPerRun: row.objects_per_run,
    concurrency: row.concurrency,
    rateShare: row.rate_share,
    protectedAccounts: JSON.parse(row.protected_json) as string[],
  };
}

export function configToParams(c: ActionConfig): [string, number, number, number, string] {
  return [c.action, c.objectsPerRun, c.concurrency, c.rateShare, JSON.stringify(c.protectedAccounts)];
}
