import { HpmError } from "./errors.js";

/**
 * Secrets in URLs: a user and password, a token as the user (`https://ghp_…@host/…`), a token in
 * the query (`?private_token=…`). They are never shown, stored or put on a command line:
 * `redactSecrets` is the one function every text shown or cached passes through;
 * `splitCredentials` takes them out of a URL where it is read, and `gitCredentialEnv` hands them
 * to git (hpm's own and uv's) in the environment, which only the same user can read, never argv.
 * A URL may name its credentials by environment variable instead (`https://${GITLAB_TOKEN}@host/…`):
 * those names are not secrets and are shown as written.
 */

/** Query parameters that carry a secret (token, access_token, private_token, api_key, X-Amz-Signature…). */
const SECRET_PARAM = /token|key|secret|passw|pwd|auth|sig|credential|session/i;
const VARIABLES_ONLY = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/;
// the userinfo runs to the last `@` before the path, as a WHATWG URL parser reads it: a password
// may hold a raw `@` (`bob:p@ss@host`)
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s"'<>`]*)@/gi;
const QUERY_PARAM = /([?&;])([^=&#\s"'<>`?]*)=([^&#\s"'<>`]*)/g;

/** `text` with the credentials of every URL in it written as `***` (a variable's name is kept). */
export function redactSecrets(text: string): string {
	if (!text.includes("@") && !/[?&;][^=]*=/.test(text)) return text;
	return text
		.replace(USERINFO, (_, scheme: string, userinfo: string) => `${scheme}${redactUserinfo(scheme, userinfo)}@`)
		.replace(QUERY_PARAM, (whole, sep: string, name: string, value: string) =>
			SECRET_PARAM.test(name) && value !== "" && !VARIABLES_ONLY.test(value) ? `${sep}${name}=***` : whole,
		);
}

/** Whether credentials as written (`user:password`) hold a literal secret, not only variables' names. */
export function literalCredentials(auth: string | undefined): boolean {
	if (auth === undefined) return false;
	const colon = auth.indexOf(":");
	// with a password, the user is a login name; without one, the user is the token
	const secret = colon === -1 ? auth : auth.slice(colon + 1);
	return secret !== "" && !VARIABLES_ONLY.test(secret);
}

/** Whether `text` holds a secret `redactSecrets` would hide (a variable's name is none). */
export function holdsSecret(text: string): boolean {
	return redactSecrets(text) !== text;
}

function redactUserinfo(scheme: string, userinfo: string): string {
	const colon = userinfo.indexOf(":");
	const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
	const password = colon === -1 ? undefined : userinfo.slice(colon + 1);
	const hide = (part: string) => (part === "" || VARIABLES_ONLY.test(part) ? part : "***");
	// ssh's user is a login name (git@host), and so is a user whose password is a variable's name
	// (`oauth2:${TOKEN}`); over http a lone user is a token
	const login = /ssh/i.test(scheme) || (password !== undefined && password !== "" && VARIABLES_ONLY.test(password));
	const shownUser = login ? user : hide(user);
	return password === undefined ? shownUser : `${shownUser}:${hide(password)}`;
}

/** A URL without its credentials, and the credentials as written (`user:password`, `${TOKEN}`). */
export type SplitUrl = { readonly url: string; readonly auth: string | undefined };

/**
 * `url` (http or https, with or without `git+`) without the user and password in it; any other
 * URL as it is (an ssh user is a login name, and uv records it).
 */
export function splitCredentials(url: string): SplitUrl {
	// the authority ends at the first `/`; its userinfo at the last `@` in it (a raw `@` in a password)
	const match = /^((?:git\+)?https?:\/\/)([^/]*)@([^/@]*(?:\/.*)?)$/i.exec(url);
	if (!match?.[1] || match[2] === undefined || match[3] === undefined) return { url, auth: undefined };
	return { url: `${match[1]}${match[3]}`, auth: match[2] === "" ? undefined : match[2] };
}

/**
 * The user and password of `auth` (percent-escapes decoded), each `${NAME}` read from `env`; an
 * unset variable is an error naming it and `where` (never a value).
 */
export function resolveCredentials(
	auth: string,
	where: string,
	env: NodeJS.ProcessEnv = process.env,
): { username: string; password: string } {
	const expand = (part: string) =>
		part.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
			const value = env[name];
			if (value === undefined || value === "")
				throw new HpmError(
					"credentials-missing",
					`${redactSecrets(where)} takes its credentials from the environment variable ${name}, which is not set`,
					{ hint: `set ${name} (export ${name}=…) and run the command again` },
				);
			return encodeURIComponent(value);
		});
	const colon = auth.indexOf(":");
	const decode = (part: string) => {
		try {
			return decodeURIComponent(expand(part));
		} catch (error) {
			if (error instanceof HpmError) throw error;
			return expand(part);
		}
	};
	if (colon === -1) {
		// one variable holding `user:password` (`gitlab-ci-token:…`, `oauth2:…`) is split as the URL would be
		const whole = decode(auth);
		const inner = whole.indexOf(":");
		return VARIABLES_ONLY.test(auth) && inner !== -1
			? { username: whole.slice(0, inner), password: whole.slice(inner + 1) }
			: { username: whole, password: "" };
	}
	return { username: decode(auth.slice(0, colon)), password: decode(auth.slice(colon + 1)) };
}

/**
 * git settings in its environment (`GIT_CONFIG_COUNT`, `GIT_CONFIG_KEY_n`, `GIT_CONFIG_VALUE_n`,
 * after any the person set) that send each URL's credentials as an Authorization header to that
 * URL only (`http.<url>.extraHeader`): git and the git uv runs read them, nothing shows them, and
 * no credential helper is asked to store them.
 */
export function gitCredentialEnv(
	remotes: Iterable<{ readonly url: string; readonly auth: string | undefined }>,
	env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
	const out: Record<string, string> = {};
	const start = Number.parseInt(env.GIT_CONFIG_COUNT ?? "0", 10);
	let count = Number.isSafeInteger(start) && start > 0 ? start : 0;
	const seen = new Set<string>();
	for (const { url, auth } of remotes) {
		if (auth === undefined) continue;
		const bare = url.replace(/^git\+/i, "");
		if (seen.has(bare)) continue;
		seen.add(bare);
		const { username, password } = resolveCredentials(auth, url, env);
		const basic = Buffer.from(`${username}:${password}`).toString("base64");
		out[`GIT_CONFIG_KEY_${count}`] = `http.${bare}.extraHeader`;
		out[`GIT_CONFIG_VALUE_${count}`] = `Authorization: Basic ${basic}`;
		count += 1;
	}
	if (seen.size > 0) out.GIT_CONFIG_COUNT = String(count);
	return out;
}
