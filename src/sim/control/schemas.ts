/** zod schemas for control-API bodies (validated off the hot path). */
import { z } from 'zod';
import { USER_STATUS_VALUES } from '../config.js';

const status = z.enum(USER_STATUS_VALUES as [string, ...string[]]);

export const newUserSchema = z.strictObject({
  login: z.string().min(3).max(100),
  email: z.string().min(3).max(100).optional(),
  status,
  firstName: z.string().min(1).max(50).optional(),
  lastName: z.string().min(1).max(50).optional(),
  id: z.string().regex(/^[A-Za-z0-9]{3,40}$/, 'id must be 3-40 alphanumerics').optional(),
});

export const newGroupSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9]{3,40}$/, 'id must be 3-40 alphanumerics').optional(),
  name: z.string().min(1).max(255),
  members: z.array(z.string()).max(1_000_000),
});

export const setStatusSchema = z.strictObject({ status });
