import { describe, expect, it } from "vitest";
import { matchSpan } from "../../screens/browser-state.js";

describe("the filter's match, highlighted", () => {
	it.each([
		["vlm-adapter-qwen", "qwen", [12, 16]],
		["vlm-adapter-qwen", "ADAPTER", [4, 11]],
		["vlm-adapter-qwen", "adapterqwen", [4, 16]],
		["vlm-adapter-qwen", "vlm_adapter", [0, 11]],
		["metric-bleu", "rouge", undefined],
		["metric-bleu", "", undefined],
	] as const)("%s / %s", (text, filter, span) => {
		expect(matchSpan(text, filter)).toEqual(span);
	});
});
