import * as path from 'node:path';

/** Golden models live in the source tree; tests run from dist/test/shared/models, four levels below the root. */
export const FIXTURES_DIR = path.resolve(__dirname, '../../../..', 'test/fixtures/models');
