// Public surface of the Jira Cloud REST client.
export { createJiraClient } from './client.js';
export { JiraError } from './errors.js';
export { BULK_CREATE_LIMIT } from './types.js';
export type * from './types.js';
