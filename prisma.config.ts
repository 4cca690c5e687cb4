import path from "node:path";
import { defineConfig } from "prisma/config";

// The schema engine binary cannot be downloaded offline; a stub answers `--version` so that
// `prisma generate|validate|format` work. Migrations are applied by server/db/migrator.ts.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("scripts/schema-engine-stub.sh");

export default defineConfig({
  schema: process.env.PRISMA_SCHEMA ?? "prisma/schema.prisma",
});
