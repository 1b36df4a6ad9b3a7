import { randomUUID } from "node:crypto";
import type { UserRepository } from "../repositories/user-repository";
import type { PasswordHasher } from "./password-hasher";

export type AdminBootstrapOutcome = "created" | "promoted" | "unchanged";

/**
 * Makes sure an administrator with this email exists: creates it, or promotes an existing customer.
 * Safe to run at every start. It is operator tooling (`npm start`, the one-off AWS command), never an
 * API endpoint, which is why the API's IAM role lacks the UpdateItem it needs to promote.
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
    await users.setRole(input.email, "admin");
    return "promoted";
  }
  const created = await users.create({
    id: randomUUID(),
    email: input.email.trim(),
    name: input.name,
    role: "admin",
    createdAt: now().toISOString(),
    passwordHash: await passwords.hash(input.password),
  });
  // Losing a race with a concurrent bootstrap or registration: look again.
  return created ? "created" : ensureAdmin(users, passwords, input, now);
}
