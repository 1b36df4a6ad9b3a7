import { randomUUID } from "node:crypto";
import type { UserRepository } from "../repositories/user-repository";
import type { PasswordHasher } from "./password-hasher";

export type AdminBootstrapOutcome = "created" | "promoted" | "unchanged";

/** The bootstrap would hand someone else's account admin rights: it changed nothing. */
export class AdminBootstrapRefusedError extends Error {
  constructor(email: string) {
    super(
      `Refusing to make ${email} an administrator: an account with this email already exists and its password is not ADMIN_PASSWORD (nothing was changed). If the account is yours, set ADMIN_PASSWORD to its password; otherwise choose another ADMIN_EMAIL.`,
    );
    this.name = "AdminBootstrapRefusedError";
  }
}

/**
 * Makes sure an administrator with this email exists: creates it, or promotes an existing customer whose
 * password is ADMIN_PASSWORD. Anyone can register any email, so an existing account proves nothing by its
 * address: promoting it on the email alone would give admin rights to whoever registered it first, with
 * their password. Safe to run at every start. It is operator tooling (`npm start`, the one-off AWS
 * command), never an API endpoint, which is why the API's IAM role lacks the UpdateItem it needs to promote.
 */
export async function ensureAdmin(
  users: UserRepository,
  passwords: PasswordHasher,
  input: { email: string; password: string; name: string },
  now: () => Date = () => new Date(),
): Promise<AdminBootstrapOutcome> {
  const existing = await users.findByEmail(input.email);
  if (existing?.role === "admin") return "unchanged";
  if (existing) {
    const owned = await passwords.verify(input.password, existing.passwordHash);
    if (!owned || !(await users.promoteToAdmin(input.email, existing.passwordHash)))
      throw new AdminBootstrapRefusedError(input.email.trim());
    return "promoted";
  }
  const id = randomUUID();
  const created = await users.create({
    id,
    email: input.email.trim(),
    name: input.name,
    role: "admin",
    createdAt: now().toISOString(),
    passwordHash: await passwords.hash(input.password),
  });
  if (created) return "created";
  // The condition failed. Either the SDK retried a write whose first attempt landed after it had given up
  // on it (a slow database), and its retry met our own item; or a concurrent bootstrap or registration won
  // the race: look again.
  if ((await users.findByEmail(input.email))?.id === id) return "created";
  return ensureAdmin(users, passwords, input, now);
}
