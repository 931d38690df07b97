// POST /rest/api/3/search/jql takes `expand` as a comma-delimited string, "unlike the majority of
// instances where expand is specified" (the OpenAPI document, SearchAndReconcileRequestBean.expand);
// Jira Cloud answers an array with 400 "Invalid request payload. Refer to the REST API documentation
// and try again." (a real answer: https://github.com/smaramwbc/statewave/issues/258).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEmulator, type TestEmulator } from './harness.js';

let j: TestEmulator;
before(async () => {
  j = await startTestEmulator();
  await j.createIssue();
});
after(() => j.close());

describe('POST search/jql payload', () => {
  const TABLE: [name: string, expand: unknown, status: number][] = [
    ['expand as a string', 'changelog', 200],
    ['expand as a comma-delimited string', 'names,changelog', 200],
    ['no expand', undefined, 200],
    ['expand as an array', ['changelog'], 400],
    ['expand as an object', { changelog: true }, 400],
  ];
  for (const [name, expand, status] of TABLE) {
    it(`${name} → ${status}`, async () => {
      const r = await j.post('/rest/api/3/search/jql', { jql: 'project = SEC', fields: ['summary'], ...(expand === undefined ? {} : { expand }) });
      assert.equal(r.status, status, r.text);
      if (status === 400) assert.deepEqual(r.body, { errorMessages: ['Invalid request payload. Refer to the REST API documentation and try again.'], errors: {} });
    });
  }
});
