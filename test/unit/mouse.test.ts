import { describe, expect, it } from "vitest";
import { parseMouse } from "../../components/mouse.js";

describe("parseMouse: SGR reports, as Ink hands them (ESC removed) or whole", () => {
	it("presses, releases and the wheel, at cells counted from 0", () => {
		expect(parseMouse("[<0;10;5M")).toEqual({ kind: "press", button: "left", x: 9, y: 4 });
		expect(parseMouse("\u001B[<2;1;1M")).toEqual({ kind: "press", button: "right", x: 0, y: 0 });
		expect(parseMouse("[<0;10;5m")).toEqual({ kind: "release", x: 9, y: 4 });
		expect(parseMouse("[<64;3;7M")).toEqual({ kind: "wheel", delta: -1, x: 2, y: 6 });
		expect(parseMouse("[<65;3;7M")).toEqual({ kind: "wheel", delta: 1, x: 2, y: 6 });
		// Ctrl held (16) is still a left press
		expect(parseMouse("[<16;3;7M")).toEqual({ kind: "press", button: "left", x: 2, y: 6 });
	});

	it("motion, sideways wheels and impossible cells are mouse reports that do nothing", () => {
		expect(parseMouse("[<32;3;7M")).toBe("ignored");
		expect(parseMouse("[<66;3;7M")).toBe("ignored");
		expect(parseMouse("[<0;0;7M")).toBe("ignored");
	});

	it("keys and text are not mouse reports", () => {
		for (const input of ["q", "[A", "[<0;10M", "[<a;1;1M", "[<0;10;5Mx", "", "[<0;10;5"])
			expect(parseMouse(input)).toBeUndefined();
	});
});
