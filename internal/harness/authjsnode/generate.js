'use strict';
// Generates the two Prisma clients run.js uses, offline: prisma/v5.prisma (Auth.js v5's docs
// schema) -> node_modules/.gormauth-prisma/v5 and prisma/v4.prisma (NextAuth.js v4's) ->
// node_modules/.gormauth-prisma/v4.
// Prisma's CLI downloads a native schema engine before every command unless
// PRISMA_SCHEMA_ENGINE_BINARY names one; `prisma generate` never runs it, so a stub does.
// Run by the Go package's Install after `npm ci` (npm ci runs no install scripts here: .npmrc has
// ignore-scripts, because prisma's and @prisma/engines' would download engines). Any arguments
// are ignored (Install passes a digest of the schemas, so that changing one generates again).
const { execFileSync } = require('child_process');
const path = require('path');

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(__dirname, 'schema-engine-stub.sh'),
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
};
const cli = path.join(__dirname, 'node_modules', 'prisma', 'build', 'index.js');
for (const schema of ['prisma/v5.prisma', 'prisma/v4.prisma']) {
  execFileSync(process.execPath, [cli, 'generate', '--schema', schema], { cwd: __dirname, env, stdio: ['ignore', 'inherit', 'inherit'] });
}
