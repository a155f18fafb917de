/**
 * Writes openapi/openapi.json from the route schemas; with --check, fails when the committed file
 * differs from what the code generates, or when the document is not a valid OpenAPI 3.1 file.
 */
import 'reflect-metadata';
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readPackageVersion } from '../src/config/load-config';
import { buildOpenApiDocument } from '../src/interface/openapi/build-openapi';
import { allRoutes } from '../src/interface/http/routes/all-routes';

export const OPENAPI_FILE = path.resolve(__dirname, '../../openapi/openapi.json');

export function generateOpenApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(allRoutes(), { version: readPackageVersion() }), null, 2)}\n`;
}

async function main(): Promise<void> {
  const text = generateOpenApiText();
  await SwaggerParser.validate(JSON.parse(text) as never);
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(OPENAPI_FILE, 'utf8');
    } catch {
      // reported below
    }
    if (committed !== text) {
      process.stderr.write('openapi/openapi.json is out of date: run `npm run openapi` and commit the result.\n');
      process.exit(1);
    }
    process.stdout.write('openapi/openapi.json is up to date and valid.\n');
    return;
  }
  mkdirSync(path.dirname(OPENAPI_FILE), { recursive: true });
  writeFileSync(OPENAPI_FILE, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
