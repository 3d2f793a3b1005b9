import { createRequire } from "node:module";

type NodeCrypto = typeof import("node:crypto");
let loaded: NodeCrypto | undefined;

/**
 * node:crypto, loaded on first use: loading it costs a command ~4 ms, so the paths every command
 * takes (caches, tokens, temporary names) do without it (os/checksum.ts, os/random.ts).
 */
export function nodeCrypto(): NodeCrypto {
	// a built-in module: any absolute path serves as the base
	loaded ??= createRequire(process.execPath)("node:crypto") as NodeCrypto;
	return loaded;
}

/** sha256 of `data` (a string is hashed as UTF-8), in hex. */
export const sha256 = (data: string | Uint8Array): string =>
	nodeCrypto().createHash("sha256").update(data).digest("hex");

/** HMAC-SHA256 of `text` under `key`, in hex. */
export const hmacSha256 = (key: Uint8Array, text: string): string =>
	nodeCrypto().createHmac("sha256", key).update(text).digest("hex");
