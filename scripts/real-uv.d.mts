/** The real uv binary behind `uv` on PATH; throws when there is none. */
export function realUv(): string;
