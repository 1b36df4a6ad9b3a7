import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Password hashing with scrypt (node:crypto, no native addon). The cost is stored in each hash, so it
 * can be raised later and old hashes still verify. Default cost N = 2^15, r = 8, p = 1: 32 MiB and
 * roughly 50-100 ms per hash on one core, the level OWASP's password storage guidance recommends for scrypt.
 */
export class PasswordHasher {
  private decoy: Promise<string> | undefined;

  constructor(private readonly logN: number) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const N = 2 ** this.logN;
    const key = await derive(password, salt, {
      N,
      r: BLOCK_SIZE,
      p: PARALLELISM,
      maxmem: 256 * N * BLOCK_SIZE,
    });
    return [
      "scrypt",
      this.logN,
      BLOCK_SIZE,
      PARALLELISM,
      salt.toString("base64url"),
      key.toString("base64url"),
    ].join("$");
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, logN, r, p, salt, expected] = stored.split("$");
    if (scheme !== "scrypt" || !salt || !expected) return false;
    const N = 2 ** Number(logN);
    const key = await derive(password, Buffer.from(salt, "base64url"), {
      N,
      r: Number(r),
      p: Number(p),
      maxmem: 256 * N * Number(r),
    });
    const expectedKey = Buffer.from(expected, "base64url");
    return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
  }

  /**
   * Burns the same time as a real verification. Used when the email is unknown, so that response time
   * does not tell which emails have accounts.
   */
  async verifyDecoy(password: string): Promise<false> {
    this.decoy ??= this.hash(randomBytes(16).toString("hex"));
    await this.verify(password, await this.decoy);
    return false;
  }
}
