import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config.ts';

describe('parseConfig', () => {
  it('fails fast naming every missing or malformed variable', () => {
    expect(() => parseConfig({ DYNAMODB_ENDPOINT: 'not a url' })).toThrow(ConfigError);
    try {
      parseConfig({ DYNAMODB_ENDPOINT: 'not a url' });
    } catch (error) {
      expect((error as Error).message).toMatch(/TABLE_NAME/);
      expect((error as Error).message).toMatch(/BUCKET_NAME/);
      expect((error as Error).message).toMatch(/DYNAMODB_ENDPOINT/);
    }
  });

  it('applies defaults and keeps emulator endpoints when given', () => {
    const config = parseConfig({
      TABLE_NAME: 't',
      BUCKET_NAME: 'b',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
    expect(config).toMatchObject({
      TABLE_NAME: 't',
      AWS_REGION: 'eu-west-3',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
  });
});
