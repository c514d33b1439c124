// Prisma 7's configuration in the Next.js application: where the schema and the migrations are,
// and the database (npx prisma migrate deploy applies migrations/ to DATABASE_URL).
import "dotenv/config"
import { defineConfig, env } from "prisma/config"

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: env("DATABASE_URL") },
})
