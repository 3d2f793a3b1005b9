import { fileURLToPath } from "node:url";
import { resolveCredentials, splitCredentials } from "../base/secrets.js";

/**
 * The URL of an index as `uv add --index NAME=URL` records it in `[[tool.uv.index]]` (measured
 * with uv 0.13.9): a file:/// URL becomes its path (percent-escapes decoded, a final "/" kept),
 * an absolute path loses its final "/", an http(s) URL loses its credentials and has its host in
 * lower case. Credentials are never written into pyproject.toml.
 */
export function uvIndexUrl(url: string): string {
	if (url.startsWith("file://")) {
		try {
			const file = fileURLToPath(url);
			return url.endsWith("/") && !file.endsWith("/") ? `${file}/` : file;
		} catch {
			return url;
		}
	}
	if (url.startsWith("/")) return url.replace(/(?<=.)\/+$/, "");
	try {
		const parsed = new URL(url);
		parsed.username = "";
		parsed.password = "";
		return parsed.href;
	} catch {
		return url;
	}
}

/** Whether a recorded `[[tool.uv.index]]` URL is the registry's, as uv would have recorded it. */
export function sameIndexUrl(recorded: unknown, wanted: string): boolean {
	if (typeof recorded !== "string") return false;
	const strip = (url: string) => url.replace(/(?<=.)\/+$/, "");
	return strip(uvIndexUrl(recorded)) === strip(uvIndexUrl(wanted));
}

/**
 * The credentials written in the URLs of `indexes` as uv's `UV_INDEX_<NAME>_USERNAME` and
 * `_PASSWORD` variables: uv does not record them in pyproject.toml, so every later uv run of hpm
 * (the final `uv sync`, a check's scratch resolution) passes them this way.
 */
export function indexCredentialsEnv(
	indexes: Iterable<{ readonly name: string; readonly url: string }>,
): Record<string, string> {
	const env: Record<string, string> = {};
	for (const { name, url } of indexes) {
		const { auth } = splitCredentials(url);
		if (auth === undefined) continue;
		const { username, password } = resolveCredentials(auth, `the index ${name} (${url})`);
		const prefix = `UV_INDEX_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
		if (username !== "") env[`${prefix}_USERNAME`] = username;
		if (password !== "") env[`${prefix}_PASSWORD`] = password;
	}
	return env;
}
