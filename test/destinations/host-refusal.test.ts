// The host rule that the Jira client applies before every request (hostRefusal), table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostRefusal } from '../../src/destinations/host-policy.js';

const cases: [string, string, string[], boolean, boolean][] = [
  // name, siteHost, ALERTSYNC_JIRA_HOSTS, insecure, allowed
  ['atlassian site', 'acme.atlassian.net', [], false, true],
  ['atlassian site, upper case', 'ACME.atlassian.net', [], false, true],
  ['atlassian look-alike', 'acme.atlassian.net.evil.example', [], false, false],
  ['atlassian site on another port', 'acme.atlassian.net:8443', [], false, false],
  ['listed proxy', 'jira.example.com', ['jira.example.com'], false, true],
  ['listed proxy with its port', 'jira.example.com:8443', ['jira.example.com:8443'], false, true],
  ['listed host, unlisted port', 'jira.example.com:8443', ['jira.example.com'], false, false],
  ['host removed from the list', 'jira.example.com', ['other.example.com'], false, false],
  ['listed IP literal', '93.184.216.34', ['93.184.216.34'], false, true],
  ['unlisted IP literal', '93.184.216.34', [], false, false],
  ['insecure without a list: anything', '127.0.0.1:3000', [], true, true],
  ['insecure with a list: listed host:port', '127.0.0.1:3000', ['127.0.0.1:3000'], true, true],
  ['insecure with a list: listed host, any port', '127.0.0.1:3000', ['127.0.0.1'], true, true],
  ['insecure with a list: unlisted', '127.0.0.1:3000', ['jira.example.com'], true, false],
  ['insecure with a list: atlassian still allowed', 'acme.atlassian.net', ['jira.example.com'], true, true],
];

for (const [name, site, list, insecure, allowed] of cases) {
  test(name, () => {
    const why = hostRefusal(site, { jiraHosts: list, allowInsecureJira: insecure });
    if (allowed) assert.equal(why, null);
    else assert.match(String(why), /not an Atlassian Cloud site .* not listed in ALERTSYNC_JIRA_HOSTS/);
  });
}
