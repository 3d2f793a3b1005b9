// hpm report's page, part 1 of 3 (joined in order inside one function by report.ts): the
// elements made from data (always as text, never markup), the header, the component graph and
// the combinations.
/* exported el, headerOf, graphOf, runsOf, legendOf */

/** An element with its class and text (text only, never markup), and its children. */
function el(tag, className, text, children) {
	const node = document.createElement(tag);
	if (className) node.className = className;
	if (text !== undefined && text !== null) node.textContent = String(text);
	for (const child of children || []) if (child) node.appendChild(child);
	return node;
}

/** The header: what the report was made from, and what is missing. */
function headerOf(report) {
	const data = report.data;
	return el("header", "", undefined, [
		el("h1", "", "hpm report"),
		meta(),
		...data.missing.map((line) => el("p", "missing", line)),
	]);
	function meta() {
		const dl = el("dl", "meta");
		const row = (term, value) => {
			dl.appendChild(el("dt", "", term));
			dl.appendChild(typeof value === "string" ? el("dd", "", value) : el("dd", "", undefined, [value]));
		};
		row("project", data.project === null ? "(none: the registry alone)" : data.project);
		row("mode", data.mode);
		data.layers.forEach((layer, i) =>
			row(
				data.layers.length > 1 ? `registry layer ${i + 1}` : "registry",
				layer.commit ? `${layer.where} at commit ${layer.commit}` : layer.where,
			),
		);
		const chosen = el("span");
		if (data.selection.length === 0) chosen.textContent = "(nothing chosen)";
		for (const choice of data.selection) chosen.appendChild(el("span", "chip", choice));
		row("selection", chosen);
		row("made", data.made);
		row(
			"evidence",
			data.matrix
				? `${data.matrix.kind === "test" ? "a test run" : "a matrix"} from ${data.matrix.source}`
				: "none (every pair untried)",
		);
		return dl;
	}
}

/** The component graph: interfaces, and each group (foldable) with its options and rules. */
function graphOf(report) {
	const { data, groupStart, failsAlone, n } = report;
	const graph = el("section", "", undefined, [el("h2", "", "Component graph")]);
	if (data.interfaces.length > 0) {
		const list = el("ul");
		for (const face of data.interfaces)
			list.appendChild(
				el("li", "", undefined, [
					el("strong", "", face.name),
					el("span", "rule", `interface, provided by ${face.implementations.join(", ") || "nothing yet"}`),
				]),
			);
		graph.appendChild(list);
	}
	const collapsed = n > 60;
	const rowOf = [];
	const groupNodes = data.groups.map((group, g) => {
		const about = [
			group.strategy,
			group.interface ? `interface ${group.interface}` : "",
			group.required ? "required" : "",
			group.min !== null ? `min ${group.min}` : "",
			group.max !== null ? `max ${group.max}` : "",
			group.defaults.length ? `default ${group.defaults.join("+")}` : "",
			`${group.options.length} option${group.options.length === 1 ? "" : "s"}`,
		].filter(Boolean);
		const details = el("details", "group", undefined, [
			el("summary", "", group.name, [el("span", "sub", `  ${about.join(", ")}  ${group.description}`)]),
		]);
		details.open = !collapsed;
		const list = el("ul", "options");
		group.options.forEach((option, o) => {
			const index = groupStart[g] + o;
			const item = el("li", option.selected ? "chosen" : "", undefined, [
				el("span", "name", `${option.selected ? "\u2605 " : ""}${option.name}`),
				el("span", "rule", option.version),
				el("span", "rule", option.description),
				...option.requires.map((r) => el("span", "rule", `requires ${r}`)),
				...option.conflicts.map((r) => el("span", "rule bad", `conflicts ${r}`)),
				failsAlone.has(index) ? el("span", "rule bad", "fails with the project alone") : null,
			]);
			rowOf[index] = item;
			list.appendChild(item);
		});
		details.appendChild(list);
		graph.appendChild(details);
		return details;
	});
	if (data.ungrouped.length > 0)
		graph.appendChild(
			el(
				"p",
				"sub",
				`In no group: ${data.ungrouped.map((p) => p.name + (p.description ? ` (${p.description})` : "")).join(", ")}`,
			),
		);
	return { section: graph, rowOf, groupNodes };
}

/** Each combination's result, with its excerpt. */
function runsOf(report) {
	const data = report.data;
	const runs = el("section", "", undefined, [el("h2", "", "Combinations")]);
	const runList = data.matrix ? data.matrix.runs : [];
	if (runList.length === 0) runs.appendChild(el("p", "sub", "no combination results in this report"));
	else {
		const counts = {};
		for (const run of runList) counts[run.status] = (counts[run.status] || 0) + 1;
		runs.appendChild(
			el(
				"p",
				"sub",
				Object.keys(counts)
					.map((k) => `${counts[k]} ${k}`)
					.join(", "),
			),
		);
		const table = el("table", "", undefined, [
			el("thead", "", undefined, [
				el("tr", "", undefined, [
					el("th", "", "combination"),
					el("th", "", "result"),
					el("th", "", "time"),
					el("th", "", "excerpt"),
				]),
			]),
		]);
		const body = el("tbody");
		for (const run of runList) {
			const excerpt = run.excerpt
				? el("details", "", undefined, [
						el("summary", "", run.excerpt.split("\n")[0].slice(0, 120)),
						el("pre", "", run.excerpt),
					])
				: el("span", "sub", "");
			body.appendChild(
				el("tr", "", undefined, [
					el("td", "", run.combination),
					el("td", `st-${run.status}`, run.status),
					el("td", "", run.seconds === null ? "" : `${run.seconds.toFixed(1)} s`),
					el("td", "", undefined, [excerpt]),
				]),
			);
		}
		table.appendChild(body);
		runs.appendChild(table);
	}
	if (data.matrix && data.matrix.sets.length > 0) {
		const sets = el("ul");
		for (const s of data.matrix.sets)
			sets.appendChild(
				el("li", "", undefined, [
					el(
						"strong",
						"bad",
						`${s.choices.join(" + ")} (${s.status === "fails-alone" ? "fails alone" : "only together"})`,
					),
					el("span", "rule", s.reason),
					s.explanation ? el("pre", "", s.explanation) : null,
				]),
			);
		runs.appendChild(el("h3", "", "Choices that fail alone, or only three or more together"));
		runs.appendChild(sets);
	}
	return runs;
}

/** What the compatibility view's colours say. */
function legendOf() {
	return el("p", "legend", undefined, [
		swatch("s-ok", "proven to go together"),
		swatch("s-conflict", "conflict (proven by uv)"),
		swatch("s-declared", "conflict (a registry rule)"),
		swatch("s-untried", "untried / not proven"),
		swatch("s-chosen", "the project's selection"),
	]);
	function swatch(kind, text) {
		return el("span", "", undefined, [el("span", `swatch ${kind}`), document.createTextNode(text)]);
	}
}
