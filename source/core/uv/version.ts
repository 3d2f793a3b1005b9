export const MIN_UV_VERSION = "0.9.26";

/** -1, 0 or 1 as `a` is below, equal to or above `b` (numeric dotted versions; pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
	const parts = (v: string) =>
		v
			.split(/[^0-9.]/)[0]
			?.split(".")
			.map((n) => Number(n) || 0) ?? [];
	const x = parts(a);
	const y = parts(b);
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		const d = (x[i] ?? 0) - (y[i] ?? 0);
		if (d !== 0) return Math.sign(d);
	}
	return 0;
}
