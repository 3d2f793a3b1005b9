import path from "node:path";
import { redactSecrets, splitCredentials } from "../base/secrets.js";
import { invalidGitUrlReason, invalidRefReason, invalidSubdirectoryReason } from "./validate.js";

/**
 * Where one layer of a project's registry lives, as `-r` or `[tool.hpm] registry` names it: a
 * folder, or a git repository (`git+https://host/team/registry.git@main#subdirectory=hpm`) that hpm
 * keeps in its cache and reads at one commit.
 */
export type RegistryLayer =
	| {
			readonly kind: "folder";
			/** Absolute. */
			readonly path: string;
			/** As written. */
			readonly written: string;
	  }
	| {
			readonly kind: "git";
			/** As written: the key of its pin in `[tool.hpm] registry-rev`. */
			readonly written: string;
			/** What git fetches: the URL without `git+`, credentials, the ref and the fragment. */
			readonly url: string;
			/** The credentials written in the URL (`user:password`, `${TOKEN}`): for git's environment only (secrets.ts). */
			readonly auth: string | undefined;
			readonly ref: string | undefined;
			readonly subdirectory: string | undefined;
	  };

/** One folder the loader reads, in layer order; `remote` is the git registry it is a commit of. */
export type LayerRoot = { readonly root: string; readonly remote?: string | undefined };

export type GitLayer = Extract<RegistryLayer, { kind: "git" }>;

const TRANSPORTS = ["https", "http", "ssh", "file"];

/** Whether `written` names a git registry rather than a folder. */
export function isGitSpec(written: string): boolean {
	return /^git\+/i.test(written);
}

/**
 * One layer from what a person wrote, a folder resolved against `base`; a string with the reason
 * when a git URL is not one hpm will fetch (a helper transport, an option-like or hidden part).
 */
export function parseRegistryLayer(written: string, base: string): RegistryLayer | string {
	// every reason is shown: the credentials a URL holds never are
	const shown = JSON.stringify(redactSecrets(written));
	if (!isGitSpec(written)) {
		// `https://…` is not a folder: said as such, never resolved into a path that prints its password
		const url = /^([a-z][a-z0-9+.-]*):\/\//i.exec(written)?.[1];
		if (url !== undefined)
			return `a registry is a folder (a path) or a git repository (git+${url.toLowerCase()}://…), got ${shown}`;
		return { kind: "folder", path: path.resolve(base, written), written };
	}
	const rest = written.slice(4);
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)?.[1]?.toLowerCase();
	if (scheme === undefined || !TRANSPORTS.includes(scheme))
		return `a git registry is git+https://, git+ssh://, git+http:// or git+file:// followed by the repository, got ${shown}`;
	const hash = rest.indexOf("#");
	const main = hash === -1 ? rest : rest.slice(0, hash);
	let subdirectory: string | undefined;
	if (hash !== -1) {
		const fragment = rest.slice(hash + 1);
		const match = /^subdirectory=(.+)$/.exec(fragment);
		if (!match?.[1]) return `the only fragment a git registry takes is #subdirectory=PATH, got #${fragment}`;
		subdirectory = match[1].replace(/\/+$/, "");
		const reason = invalidSubdirectoryReason(subdirectory);
		if (reason) return `#subdirectory= ${reason}`;
	}
	// the ref follows the last "@" of the path, never one of the user part (ssh://git@host/...)
	const authorityEnd = main.indexOf("/", scheme.length + 3);
	const pathPart = authorityEnd === -1 ? "" : main.slice(authorityEnd);
	const at = pathPart.lastIndexOf("@");
	// git runs a helper named after the scheme: `FILE://` would ask for git-remote-FILE
	const url = (at === -1 ? main : main.slice(0, authorityEnd + at)).replace(/^[^:]+/, (s) => s.toLowerCase());
	const ref = at === -1 ? undefined : pathPart.slice(at + 1);
	if (ref !== undefined) {
		if (ref === "") return `nothing follows "@" in ${shown}; write a branch, tag or commit after it`;
		const reason = invalidRefReason(ref);
		if (reason) return `the ref ${reason}`;
	}
	const urlReason = invalidGitUrlReason(url);
	if (urlReason) return `the URL ${urlReason}`;
	if (authorityEnd === -1 || pathPart.length <= 1) return `${shown} names no repository`;
	const { url: bare, auth } = splitCredentials(url);
	return { kind: "git", written, url: bare, auth, ref, subdirectory };
}

/** Whether `value` is a full commit id (SHA-1, or SHA-256 for repositories that use it). */
export function isCommitId(value: string): boolean {
	return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(value);
}
