/**
 * What a run tells the launcher (source/launcher.ts) about the code cache it writes. V8's code
 * cache holds the functions the run that wrote it compiled, and it is written once: when the first
 * run took a path later runs do not (the registry parsed from its YAML files instead of read from
 * the index cache), every later run compiled the functions of its own path again (on 2,000
 * packages ~110 M instructions per warm `hpm list`). Such a run calls `provisionalRun()`: its
 * cache is marked provisional, and the next run writes it again, with its own functions too.
 */
export function provisionalRun(): void {
	(globalThis as Record<symbol, unknown>)[Symbol.for("hpm.code-cache-provisional")] = true;
}
