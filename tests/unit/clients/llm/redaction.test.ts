import { describe, expect, it } from 'vitest';
import { headerSecrets } from '../../../../src/clients/llm/redaction.js';

describe('headerSecrets', () => {
  it('takes the values of auth-looking headers, and the credential of a Bearer value', () => {
    expect(
      headerSecrets({
        Authorization: 'Bearer sk-abc123',
        'x-api-key': 'key-xyz',
        'X-Session-Token': 'tok-1',
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      }),
    ).toEqual(['Bearer sk-abc123', 'sk-abc123', 'key-xyz', 'tok-1']);
  });

  it('has nothing for no headers', () => {
    expect(headerSecrets(undefined)).toEqual([]);
    expect(headerSecrets({ authorization: '' })).toEqual([]);
  });
});
