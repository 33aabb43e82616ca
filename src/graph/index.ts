// Public entry of the Graph adapter (what it owns and may import: README.md): what the composition root imports.
export { createGraphScheduleSource, type GraphScheduleSource, type GraphScheduleSourceOptions } from './get-schedule.js';
