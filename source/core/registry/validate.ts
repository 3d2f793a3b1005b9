import { holdsSecret, redactSecrets } from "../base/secrets.js";
import { hasControlCharacter } from "../base/text.js";

/** Why `url` is not a git URL hpm will pass to uv, or undefined when it is fine. */
export function invalidGitUrlReason(url: string): string | undefined {
	if (url.startsWith("-")) return `must not start with "-" (it would read as an option): ${url}`;
	const bad = smuggled(url);
	if (bad) return bad;
	if (/^ext::/i.test(url) || /^[a-z0-9+.-]+::/i.test(url))
		return `uses a git remote helper ("::"), which can run commands: ${url}`;
	if (/\s/.test(url)) return `must not contain whitespace: ${JSON.stringify(url)}`;
	if (/^(https?|ssh|git|file):\/\/[^/]*\/?.+/i.test(url)) return undefined;
	if (/^[\w.-]+@[\w.-]+:[^/].*/.test(url)) return undefined; // scp-like: git@host:org/repo.git
	return `must be an https://, ssh://, git://, file:// or user@host:path URL, got ${JSON.stringify(url)}`;
}

/** Why `ref` is not a usable tag, branch or commit, or undefined when it is fine. */
export function invalidRefReason(ref: string): string | undefined {
	if (ref.startsWith("-")) return `must not start with "-" (it would read as an option): ${ref}`;
	const bad = smuggled(ref);
	if (bad) return bad;
	if (/[\s~^:?*[\\]|\.\.|@\{/.test(ref) || ref.endsWith(".lock") || ref.endsWith("/")) {
		return `is not a valid git ref name: ${JSON.stringify(ref)}`;
	}
	return undefined;
}

/** Why `value` holds characters hpm never passes on (control characters, `#`, `?`), or undefined. */
function smuggled(value: string): string | undefined {
	if (hasControlCharacter(value))
		return `must not contain control characters (a newline, a tab, an escape): ${JSON.stringify(value)}`;
	if (value.includes("#"))
		return `must not contain "#" (it would start a fragment or a comment): ${JSON.stringify(value)}`;
	if (value.includes("?")) return `must not contain "?" (it would start a query): ${JSON.stringify(value)}`;
	return undefined;
}

/** Why a local source path is not one hpm will pass to uv, or undefined when it is fine. */
export function invalidLocalPathReason(value: string): string | undefined {
	if (value.startsWith("-")) return `must not start with "-" (it would read as an option): ${value}`;
	// a requirements-file line reads "; …" as environment markers and " -…" as an option
	if (value.includes(";")) return `must not contain ";" (it would start environment markers): ${value}`;
	if (/\s-/.test(value)) return `must not contain a space followed by "-" (it would read as an option): ${value}`;
	return smuggled(value);
}

/** Why a git subdirectory is not a plain relative path inside the repository, or undefined. */
export function invalidSubdirectoryReason(value: string): string | undefined {
	const bad = smuggled(value);
	if (bad) return bad;
	if (/\s/.test(value)) return `must not contain whitespace: ${JSON.stringify(value)}`;
	if (value.startsWith("-")) return `must not start with "-" (it would read as an option): ${value}`;
	return escapeReason(value);
}

/**
 * Why relative path `value` could name something outside the folder it is read from, or undefined.
 * Stricter than normalising: every ".." segment is refused, with either separator, wherever it
 * stands (`a/../../x`, `./../x`, `a\\..\\x`, `a/..`), and so is "%", which uv would decode
 * (`%2e%2e`) after this check.
 */
function escapeReason(value: string): string | undefined {
	if (/^[\\/~]/.test(value) || /^[A-Za-z]:/.test(value)) return "must be a relative path inside the repository";
	if (value.split(/[\\/]/).includes("..")) return 'must not contain ".." (it would leave the repository)';
	if (value.includes("%")) return `must not contain "%" (uv would decode an escape such as %2e%2e): ${value}`;
	return undefined;
}

/**
 * Why `url` is not an index URL hpm will pass to uv (`--index NAME=URL`), or undefined when it is
 * fine: an http(s):// or file:/// URL, or an absolute path, as uv accepts them. A relative path
 * would be read from the project's folder, not the registry's, so it is refused.
 */
export function invalidIndexUrlReason(url: string): string | undefined {
	const shown = JSON.stringify(redactSecrets(url));
	if (url.startsWith("-")) return `must not start with "-" (it would read as an option): ${shown}`;
	if (hasControlCharacter(url)) return `must not contain control characters (a newline, a tab, an escape): ${shown}`;
	if (/\s/.test(url)) return `must not contain whitespace (write a space as %20): ${shown}`;
	if (url.includes("#")) return `must not contain "#" (it would start a fragment): ${shown}`;
	if (holdsSecret(url.replace(/^[^?]*/, "")))
		return `must not carry a token in its query (uv would write it into pyproject.toml): write it as https://USER:\${VARIABLE}@host/… and set the variable: ${shown}`;
	if (/^https?:\/\//.test(url)) {
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			return `is not a valid URL: ${shown}`;
		}
		return parsed.hostname === "" ? `has no host: ${shown}` : undefined;
	}
	if (/^file:\/\/\/./.test(url)) return undefined;
	if (/^file:/i.test(url)) return `must be file:///absolute/path (three slashes, no host): ${shown}`;
	if (url.startsWith("/")) return undefined;
	return `must be an http://, https:// or file:/// URL, or an absolute path, got ${shown}`;
}
