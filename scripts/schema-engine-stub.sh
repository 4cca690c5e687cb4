#!/bin/sh
# Prisma's CLI asks the schema engine for its version; the real binary cannot be downloaded offline.
# `generate`, `validate` and `format` only need this answer; migrations are applied by server/db/migrator.ts.
if [ "$1" = "--version" ]; then echo "schema-engine-cli 0.0.0 (offline stub)"; exit 0; fi
echo "schema engine unavailable offline: migrations are applied by server/db/migrator.ts at start-up" >&2
exit 1
