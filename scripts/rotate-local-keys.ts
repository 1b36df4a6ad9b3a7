/**
 * `npm run keys:rotate`: rotates the local JWT key set in DATA_DIR (default .data), the way a Secrets
 * Manager rotation does in AWS. A running `npm start` picks the new key up within a second. Tokens and
 * cursors signed with the key that was current keep working; those of the key before it stop. Run it
 * twice to retire everything signed so far (an emergency rotation).
 */
import path from "node:path";
import { ensureKeySetFile, rotateKeySetFile } from "../app/local/key-set-file";

const file = ensureKeySetFile(path.resolve(process.env.DATA_DIR ?? ".data"));
const { current, previous, retired } = rotateKeySetFile(file);
console.log(`Rotated ${file}: signing with ${current}, still verifying ${previous}`);
console.log(retired ? `Retired ${retired}: what it signed is no longer accepted` : "No key was retired");
