import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config.ts';
import { DEFAULT_DELAIS } from '../../shared/domain/delais.ts';

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

  it('refuses an empty or malformed value, naming each variable with its reason', () => {
    expect(() =>
      parseConfig({
        TABLE_NAME: '',
        BUCKET_NAME: 'b',
        MAIL_FROM: 'not-an-address',
        CURSOR_SECRET: 'short',
        USER_POOL_ID: '',
      }),
    ).toThrow(
      new ConfigError(
        'Invalid configuration: TABLE_NAME: must not be empty; MAIL_FROM: must be an email address; ' +
          'CURSOR_SECRET: must have at least 16 characters; USER_POOL_ID: must not be empty',
      ),
    );
  });

  it('reads the tenants as a comma-separated list and leaves unset options out', () => {
    const config = parseConfig({ TABLE_NAME: 't', BUCKET_NAME: 'b', TENANTS: ' caf13, caf84 ,' });
    expect(config.TENANTS).toEqual(['caf13', 'caf84']);
    expect(parseConfig({ TABLE_NAME: 't', BUCKET_NAME: 'b' }).TENANTS).toEqual(['caf13']);
    expect(Object.keys(config)).not.toContain('USER_POOL_ID');
  });
});

describe('DELAIS_JSON', () => {
  const base = { TABLE_NAME: 't', BUCKET_NAME: 'b' };

  it('gives the table of délais when set, checked at start', () => {
    const table = { ...DEFAULT_DELAIS, fiche_transmise: { preventive: 4, crise_averee: 1 } };
    expect(parseConfig({ ...base, DELAIS_JSON: JSON.stringify(table) }).DELAIS_JSON).toEqual(table);
    expect(parseConfig(base).DELAIS_JSON).toBeUndefined();
  });

  it('fails fast naming the variable for JSON that is not, or a table that does not fit', () => {
    for (const DELAIS_JSON of ['{not json', JSON.stringify({ fiche_transmise: { preventive: -1 } })]) {
      expect(() => parseConfig({ ...base, DELAIS_JSON }), DELAIS_JSON).toThrow(/DELAIS_JSON/);
    }
  });
});
