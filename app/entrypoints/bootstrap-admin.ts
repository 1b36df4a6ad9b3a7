/**
 * One-off command: make sure an administrator exists in a deployed stack's users table. Run it with an
 * operator's AWS credentials (the API's own role may neither create nor promote admins):
 *
 *   USERS_TABLE=shop-prod-users ADMIN_EMAIL=... ADMIN_PASSWORD=... npx tsx app/entrypoints/bootstrap-admin.ts
 *
 * `npm start` runs the same ensureAdmin against the local tables. An existing account is promoted only
 * when its password is ADMIN_PASSWORD; otherwise the command prints why, changes nothing and exits 1.
 */
import * as z from "zod";
import { documentClient } from "../aws/clients";
import { ConfigError } from "../config";
import { UserRepository } from "../repositories/user-repository";
import { AdminBootstrapRefusedError, ensureAdmin } from "../services/admin-bootstrap";
import { PasswordHasher } from "../services/password-hasher";

const BootstrapEnv = z.object({
  USERS_TABLE: z.string().min(1, "must be set"),
  ADMIN_EMAIL: z.email("must be an email address"),
  ADMIN_PASSWORD: z.string().min(10, "must be 10-128 characters").max(128, "must be 10-128 characters"),
  ADMIN_NAME: z.string().min(1).max(100).default("Administrator"),
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(15),
});

async function main(): Promise<void> {
  const parsed = BootstrapEnv.safeParse(process.env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const env = parsed.data;
  const outcome = await ensureAdmin(
    new UserRepository(documentClient, env.USERS_TABLE),
    new PasswordHasher(env.PASSWORD_SCRYPT_LOG_N),
    { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, name: env.ADMIN_NAME },
  );
  console.log(`Admin ${env.ADMIN_EMAIL} in ${env.USERS_TABLE}: ${outcome}`);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError || error instanceof AdminBootstrapRefusedError ? error.message : error,
  );
  process.exit(1);
});
