import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('defaults to port 8080, PGlite under .data and 1 s rounds', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, dataDir: '.data/pglite', roundMs: 1000, demoCluster: 'config/demo-cluster.json' });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads environment variables', () => {
    const config = loadConfig({ PORT: '9090', PARLEY_ROUND_MS: '250', DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(config).toMatchObject({ port: 9090, roundMs: 250, databaseUrl: 'postgres://u@h:5432/db' });
  });

  it('runs rounds in a worker thread unless PARLEY_ENGINE_WORKER turns it off', () => {
    expect(loadConfig({}).engineWorker).toBe(true);
    expect(loadConfig({ PARLEY_ENGINE_WORKER: '0' }).engineWorker).toBe(false);
    expect(loadConfig({ PARLEY_ENGINE_WORKER: 'false' }).engineWorker).toBe(false);
    expect(loadConfig({ PARLEY_ENGINE_WORKER: '1' }).engineWorker).toBe(true);
  });

  it('recalibrates the active model online unless PARLEY_ONLINE_RECALIBRATION turns it off', () => {
    expect(loadConfig({}).onlineRecalibration).toBe(true);
    expect(loadConfig({ PARLEY_ONLINE_RECALIBRATION: 'false' }).onlineRecalibration).toBe(false);
    expect(() => loadConfig({ PARLEY_ONLINE_RECALIBRATION: 'maybe' })).toThrow(/PARLEY_ONLINE_RECALIBRATION/);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PARLEY_ROUND_MS', '0'],
    ['DATABASE_URL', 'mysql://x'],
    ['PARLEY_ADMIN_TOKEN', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['PARLEY_ENGINE_WORKER', 'maybe'],
  ])('names the bad variable %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('reads a config file, lets the environment override it, and names bad file keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    const file = join(dir, 'parley.json');
    writeFileSync(file, JSON.stringify({ port: 7000, roundMs: 500, engine: { epsilon: 0.05 } }));
    expect(loadConfig({ PARLEY_CONFIG: file })).toMatchObject({ port: 7000, roundMs: 500, engine: { epsilon: 0.05 } });
    expect(loadConfig({ PARLEY_CONFIG: file, PORT: '7001' }).port).toBe(7001);
    writeFileSync(file, JSON.stringify({ roundMs: -5 }));
    expect(() => loadConfig({ PARLEY_CONFIG: file })).toThrow(`${file}: roundMs`);
    writeFileSync(file, JSON.stringify({ nonsense: 1 }));
    expect(() => loadConfig({ PARLEY_CONFIG: file })).toThrow(/nonsense/);
    expect(() => loadConfig({ PARLEY_CONFIG: join(dir, 'missing.json') })).toThrow(/PARLEY_CONFIG: cannot read/);
  });
});
