// Importing this module puts the strict reading of spec data (zod schemas and cross-checks,
// shared/spec/modelCheck.ts) in place for spec folders the app does not ship (CAREPLAN_LINK_SPECS).
// Kept apart so that `careplan-link check` on the shipped data does not load zod (specs.ts says why).
import { buildCatalog } from '../../shared/spec/modelCheck.js';
import { setStrictSpecReader } from './specs.js';

setStrictSpecReader(buildCatalog);
