import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configuredCacheFolder } from "../../source/core/os/cache-trust.js";

const saved = { own: process.env.HPM_CACHE_DIR, xdg: process.env.XDG_CACHE_HOME };
afterEach(() => {
	for (const [name, value] of [
		["HPM_CACHE_DIR", saved.own],
		["XDG_CACHE_HOME", saved.xdg],
	] as const)
		if (value === undefined) delete process.env[name];
		else process.env[name] = value;
});

describe("the configured cache folder", () => {
	it("is HPM_CACHE_DIR when that is an absolute path", () => {
		process.env.HPM_CACHE_DIR = "/somewhere/hpm-cache";
		expect(configuredCacheFolder()).toBe("/somewhere/hpm-cache");
	});

	it.each(["relative/dir", "./cache", "", "~/cache"])(
		"ignores HPM_CACHE_DIR=%j, as XDG ignores a relative XDG_CACHE_HOME: never a folder where hpm happens to run",
		(value) => {
			process.env.HPM_CACHE_DIR = value;
			process.env.XDG_CACHE_HOME = "/xdg";
			expect(configuredCacheFolder()).toBe(path.join("/xdg", "hpm"));
		},
	);
});
