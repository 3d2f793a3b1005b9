import { describe, expect, it } from "vitest";
import { firstProblemError, type Problem, problemGroups, problemToError } from "../../source/core/base/errors.js";

const problem: Problem = {
	code: "too-many",
	message: "group metrics allows at most 1 option",
	location: { file: "/p/pyproject.toml", line: 3 },
	choices: ["metrics=bleu", "metrics=rouge"],
	groups: ["metrics"],
	detail: "uv's words",
};

const data = (error: ReturnType<typeof problemToError> | undefined) => ({
	code: error?.code,
	location: error?.location,
	choices: error?.choices,
	groups: error?.groups,
	detail: error?.detail,
});

describe("an error that stands for a problem keeps the problem's data", () => {
	const expected = {
		code: "too-many",
		location: problem.location,
		choices: problem.choices,
		groups: problem.groups,
		detail: problem.detail,
	};

	it("problemToError", () => {
		expect(data(problemToError(problem, "fix it"))).toEqual(expected);
	});

	it("firstProblemError, for the first of several", () => {
		expect(data(firstProblemError([problem, { code: "invalid", message: "other" }]))).toEqual(expected);
	});

	it("a problem without data gives an error without data", () => {
		expect(data(problemToError({ code: "invalid", message: "m" }))).toEqual({
			code: "invalid",
			location: undefined,
			choices: [],
			groups: [],
			detail: undefined,
		});
	});

	it("the groups of an error, from its data, as of a problem", () => {
		expect(problemGroups(problemToError(problem))).toEqual(["metrics"]);
		expect(problemGroups({ choices: ["a=x", "b=y", "a=z"] })).toEqual(["a", "b"]);
	});
});
