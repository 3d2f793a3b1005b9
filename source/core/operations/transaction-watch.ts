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
	/** Copies of what someone else wrote while the step ran (`<file>.hpm-edit`), which uv may write over. */
	kept: string[];
	failure: unknown;
};

/** What a change of a file is, beyond counting: the transaction reads the files. */
export type StepJudge = {
	/** A step starts: what the files hold now is what uv read. */
	begin(): void;
	/** Whether what `name` holds now can be the step's own write (it changed only what uv edits). */
	own(name: FileName): boolean;
	/** Keeps what `name` holds now beside it; the copy's path (undefined: the file is gone). */
	keep(name: FileName): string | undefined;
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
 * seconds apart). Such a change is this change's own when `judge` finds it changed only what uv
 * edits, and is journalled at once through `remember` (a SIGKILLed hpm's journal then knows it).
 * Any other change (one to a file the step does not write, one to what uv does not edit, or more
 * changes than uv makes) is someone else's: uv writes the file from what it read when it started,
 * so it may write over that edit, and a copy of it is kept at once.
 */
export function stepWatcher(observe: () => FileHashes, remember: (now: Partial<FileHashes>) => void, judge: StepJudge) {
	let watch: StepWatch | undefined;
	let lookNow: ((final: boolean) => void) | undefined;
	const start = (args: readonly string[]): void => {
		let seen = observe();
		judge.begin();
		const candidate: Partial<FileHashes> = {};
		const current: StepWatch = {
			timer: setInterval(() => look(false), 50),
			may: writable(args),
			changes: { pyproject: 0, lock: 0 },
			foreign: false,
			kept: [],
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
					const own = current.may.includes(name) && current.changes[name] <= OWN_WRITES && judge.own(name);
					if (own) remember({ [name]: now[name] });
					else {
						current.foreign = true;
						const copy = judge.keep(name);
						if (copy) current.kept.push(copy);
					}
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
