/** Why `url` is not a git URL hpm will pass to uv, or undefined when it is fine. */
export function invalidGitUrlReason(url: string): string | undefined {
	if (url.startsWith("-")) return `must not start with "-" (it would read as an option): ${url}`;
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
	if (/[\s~^:?*[\\]|\.\.|@\{/.test(ref) || ref.endsWith(".lock") || ref.endsWith("/")) {
		return `is not a valid git ref name: ${JSON.stringify(ref)}`;
	}
	return undefined;
}
