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
