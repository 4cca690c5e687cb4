/** For the migration test: `node --import tsx open-db-main.ts <DATABASE_URL>` opens (and so migrates) the database in
 * a process of its own and prints what the migrator applied, as JSON. */
import { openDb } from "../client";

const db = await openDb({ databaseUrl: process.argv[2] });
process.stdout.write(JSON.stringify(db.migrations));
await db.close();
