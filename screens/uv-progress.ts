/**
 * What uv is doing, read from its own lines as they stream: the status a person sees under the
 * spinner (resolving, building X, installing N) and the counts for the summary at the end.
 */
export type Progress = {
	readonly status: string | undefined;
	readonly resolved?: number;
	readonly built: readonly string[];
	readonly installed?: number;
	readonly uninstalled?: number;
};

export const NO_PROGRESS: Progress = { status: undefined, built: [] };

export function progressOf(progress: Progress, line: string): Progress {
	const text = line.trim();
	let match: RegExpExecArray | null;
	if ((match = /^Resolved (\d+) packages?/.exec(text)))
		return { ...progress, resolved: Number(match[1]), status: `resolved ${match[1]} packages` };
	if (/^(Updating|Fetching|Downloading) /.test(text)) return { ...progress, status: text.replace(/\s+\(.*$/, "") };
	if ((match = /^Building ([^\s@=]+)/.exec(text))) return { ...progress, status: `building ${match[1]}` };
	if ((match = /^Built ([^\s@=]+)/.exec(text)))
		return { ...progress, built: [...progress.built, match[1] ?? ""], status: `built ${match[1]}` };
	if ((match = /^Prepared (\d+) packages?/.exec(text))) return { ...progress, status: `prepared ${match[1]} packages` };
	if ((match = /^Uninstalled (\d+) packages?/.exec(text)))
		return { ...progress, uninstalled: Number(match[1]), status: `uninstalled ${match[1]}` };
	if ((match = /^Installed (\d+) packages?/.exec(text)))
		return { ...progress, installed: Number(match[1]), status: `installed ${match[1]} packages` };
	if (/^(Using|Creating) (CPython|virtual environment)/.test(text))
		return { ...progress, status: "preparing the environment" };
	if (/^Audited /.test(text)) return { ...progress, status: "checking the environment" };
	return progress;
}

/** The counts at the end, for the result line: `resolved 5, built 1, installed 2, removed 1`. */
export function progressSummary(progress: Progress): string | undefined {
	const parts = [
		progress.resolved === undefined ? undefined : `resolved ${progress.resolved}`,
		progress.built.length > 0 ? `built ${progress.built.join(", ")}` : undefined,
		progress.installed === undefined ? undefined : `installed ${progress.installed}`,
		progress.uninstalled === undefined ? undefined : `removed ${progress.uninstalled}`,
	].filter((part): part is string => part !== undefined);
	return parts.length > 0 ? parts.join(", ") : undefined;
}
