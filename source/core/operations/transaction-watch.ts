/** The two files a change guards. */
export type FileName = "pyproject" | "lock";

/** Each file's hash (null: absent). */
export type FileHashes = Record<FileName, string | null>;

/** What one uv step was seen to do to the files. */
export type StepWatch = {
	timer: NodeJS.Timeout;
	/** The files the step may write. */
	may: readonly FileName[];
	changes: Record<FileName, number>;
	/** A change this step cannot have made: someone else's. */
	foreign: boolean;
	failure: unknown;
};

// What each uv step may write: `uv sync` and `uv lock` never touch pyproject.toml, so any
// change to it during them is someone else's.
/** How many times one uv step writes a file it may write (see `stepWatcher`). */
const OWN_WRITES = 3;

const writable = (args: readonly string[]): readonly FileName[] =>
	args[0] === "add" || args[0] === "remove" ? ["pyproject", "lock"] : ["lock"];

/**
 * Watches the files while uv runs a step. They are looked at every 50 ms. A state counts once it
 * is seen twice in a row (uv writes a file by truncating and writing it: the empty moment between
 * is not a state). A step writes each file it may write up to OWN_WRITES times: `uv add` of a
 * bare requirement writes pyproject.toml and uv.lock, resolves, then writes both again with the
 * lower bound it chose, and a failed add writes pyproject.toml back (on a slow index these are
 * seconds apart). Each such change is this change's own and is journalled at once through
 * `remember` (a SIGKILLed hpm's journal then knows it). Any other change (one to a file the step
 * does not write, or more changes than uv makes) is someone else's.
 */
export function stepWatcher(observe: () => FileHashes, remember: (now: Partial<FileHashes>) => void) {
	let watch: StepWatch | undefined;
	let lookNow: ((final: boolean) => void) | undefined;
	const start = (args: readonly string[]): void => {
		let seen = observe();
		const candidate: Partial<FileHashes> = {};
		const current: StepWatch = {
			timer: setInterval(() => look(false), 50),
			may: writable(args),
			changes: { pyproject: 0, lock: 0 },
			foreign: false,
			failure: undefined,
		};
		const look = (final: boolean) => {
			try {
				const now = observe();
				for (const name of ["pyproject", "lock"] as const) {
					if (now[name] === seen[name]) {
						delete candidate[name];
						continue;
					}
					if (!final && candidate[name] !== now[name]) {
						candidate[name] = now[name]; // seen once: wait for it to hold
						continue;
					}
					delete candidate[name];
					seen = { ...seen, [name]: now[name] };
					current.changes[name] += 1;
					if (!current.may.includes(name) || current.changes[name] > OWN_WRITES) current.foreign = true;
					else remember({ [name]: now[name] });
				}
			} catch (error) {
				current.failure ??= error; // reported when the step ends, not thrown from a timer
			}
		};
		watch = current;
		lookNow = look;
	};
	/** Looks one last time and stops watching; what the step did (undefined: no step was watched). */
	const stop = (): StepWatch | undefined => {
		lookNow?.(true);
		const ended = watch;
		if (ended) clearInterval(ended.timer);
		watch = undefined;
		lookNow = undefined;
		if (ended?.failure) throw ended.failure;
		return ended;
	};
	return { start, stop };
}
