// Loaded with `node --import ./bench/first-frame-marks.mjs dist/hpm.js ui`: where hpm's time goes
// before its first frame, without changing hpm. It times each bundle's compile (V8's code cache
// taken or not) and run, and the first write to the terminal that holds $HPM_FIRST_FRAME_MARKER,
// counts the garbage collection before it, appends one JSON line to $HPM_FIRST_FRAME_LOG and ends
// the process. Wall times from the process's start (Node's own start included), and CPU times,
// which a busy machine changes much less (docs/first-frame.md).
import { appendFileSync } from "node:fs";
import { performance, PerformanceObserver } from "node:perf_hooks";
// the same object the launcher's require("node:vm") returns: its Script is replaced for both
import vm from "node:vm";

const marks = {};
const cpu = () => {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1000;
};
// monotonic µs too, the clock of a --cpu-prof profile's timestamps, to cut a profile at a mark
const mark = (name) => {
	const us = Number(process.hrtime.bigint() / 1000n);
	marks[name] = { ms: +performance.now().toFixed(1), cpuMs: +cpu().toFixed(1), us };
};
mark("preload");
// garbage collection: V8 reports each pause a little later, with when it started
const pauses = [];
new PerformanceObserver((list) => pauses.push(...list.getEntries())).observe({ entryTypes: ["gc"] });
const base = (path) => path.replace(/^.*\//, "");

const Script = vm.Script;
vm.Script = function (source, options) {
	const name = base(options?.filename ?? "script");
	mark(`${name} compile start`);
	const script = new Script(source, options);
	mark(
		`${name} compiled${options?.cachedData === undefined ? " (no cache)" : script.cachedDataRejected ? " (cache rejected)" : " (from cache)"}`,
	);
	const run = script.runInThisContext.bind(script);
	script.runInThisContext = (...args) => {
		const wrapper = run(...args);
		return function (...inner) {
			mark(`${name} run start`);
			const result = wrapper.apply(this, inner);
			mark(`${name} run end`);
			return result;
		};
	};
	return script;
};

const marker = process.env.HPM_FIRST_FRAME_MARKER ?? "";
const write = process.stdout.write;
process.stdout.write = function (chunk, ...rest) {
	const result = write.call(this, chunk, ...rest);
	if (marker !== "" && String(chunk).includes(marker)) {
		mark("first frame");
		globalThis.setTimeout(() => {
			const before = pauses.filter((pause) => pause.startTime <= marks["first frame"].ms);
			marks.gc = { pauses: before.length, ms: +before.reduce((sum, pause) => sum + pause.duration, 0).toFixed(1) };
			if (process.env.HPM_FIRST_FRAME_LOG)
				appendFileSync(process.env.HPM_FIRST_FRAME_LOG, `${JSON.stringify(marks)}\n`);
			process.exit(0);
		}, 300);
	}
	return result;
};
