// Derives prisma/postgresql/schema.prisma from the one schema source, prisma/schema.prisma (SQLite).
// A Prisma schema fixes its provider, and the Rust-free client is generated per provider.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const source = readFileSync("prisma/schema.prisma", "utf8");
const derived = source
  .replace('output       = "../server/db/generated/sqlite"', 'output       = "../../server/db/generated/postgresql"')
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace(/^\/\/ The one schema source[\s\S]*?\n\n/, "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs: do not edit.\n\n");
if (derived === source || !derived.includes('"postgresql"')) throw new Error("schema derivation failed: markers not found");
mkdirSync("prisma/postgresql", { recursive: true });
writeFileSync("prisma/postgresql/schema.prisma", derived);
