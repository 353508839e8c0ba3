import { z } from 'zod';
import { CHECKPOINT_KINDS, ERROR_CLASSES, TASK_MODES, TASK_STATUSES } from './status-values.js';

/** The zod enums of the registry, built from the plain arrays in status-values.ts. */
export { FINAL_STATUSES, waitExitCode } from './status-values.js';

export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const ErrorClass = z.enum(ERROR_CLASSES);
export type ErrorClass = z.infer<typeof ErrorClass>;

export const TaskMode = z.enum(TASK_MODES);
export type TaskMode = z.infer<typeof TaskMode>;

export const CheckpointKind = z.enum(CHECKPOINT_KINDS);
export type CheckpointKind = z.infer<typeof CheckpointKind>;
