/** Compiled in by scripts/build.mjs; the source tree (tests) reads package.json instead. */
declare const __HPM_VERSION__: string | undefined;

export const HPM_VERSION: string = typeof __HPM_VERSION__ === "string" ? __HPM_VERSION__ : "dev";
