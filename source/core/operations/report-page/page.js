// hpm report's page: draws the JSON in #hpm-data. Every piece of data becomes text through
// textContent (never markup), no URL is ever made from data, and nothing is fetched: the page's
// Content-Security-Policy allows this script by its hash and nothing else.
(function () {
	"use strict";
	const data = JSON.parse(document.getElementById("hpm-data").textContent);
	const CELL = { untried: 0, ok: 1, conflict: 2, declared: 3 };

	/** An element with its class and text (text only, never markup), and its children. */
	function el(tag, className, text, children) {
		const node = document.createElement(tag);
		if (className) node.className = className;
		if (text !== undefined && text !== null) node.textContent = String(text);
		for (const child of children || []) if (child) node.appendChild(child);
		return node;
	}

	// every option of every group, numbered in order: rows and columns of the compatibility view
	const options = [];
	const groupStart = [];
	data.groups.forEach((group, g) => {
		groupStart.push(options.length);
		group.options.forEach((option, o) =>
			options.push({ group: g, option: o, label: `${group.name}=${option.name}`, selected: option.selected }),
		);
	});
	groupStart.push(options.length);
	const n = options.length;
	const failsAlone = new Set(data.matrix ? data.matrix.failsAlone : []);

	// ---------- header ----------
	const header = el("header", "", undefined, [
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

	// ---------- toolbar: search ----------
	const search = el("input");
	search.type = "search";
	search.placeholder = "search options, groups, descriptions";
	search.setAttribute("aria-label", "search");
	const hits = el("span", "hits");
	const hitList = el("div", "hit-list");
	const expandAll = el("button", "", "expand all");
	const collapseAll = el("button", "", "collapse all");
	const toolbar = el("div", "toolbar", undefined, [search, expandAll, collapseAll, hits]);

	// ---------- the component graph ----------
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
	expandAll.addEventListener("click", () => groupNodes.forEach((d) => (d.open = true)));
	collapseAll.addEventListener("click", () => groupNodes.forEach((d) => (d.open = false)));

	// ---------- the compatibility view ----------
	const compat = el("section", "", undefined, [el("h2", "", "Compatibility")]);
	const legend = el("p", "legend", undefined, [
		swatch("s-ok", "proven to go together"),
		swatch("s-conflict", "conflict (proven by uv)"),
		swatch("s-declared", "conflict (a registry rule)"),
		swatch("s-untried", "untried / not proven"),
		swatch("s-chosen", "the project's selection"),
	]);
	function swatch(kind, text) {
		return el("span", "", undefined, [el("span", `swatch ${kind}`), document.createTextNode(text)]);
	}
	const scroller = el("div", "scroller");
	const spacer = el("div");
	const canvas = el("canvas");
	spacer.appendChild(canvas);
	scroller.appendChild(spacer);
	const info = el("div", "cell-info", "Click a cell: the pair, what is known of it, and uv's explanation.");
	compat.appendChild(legend);
	compat.appendChild(scroller);
	compat.appendChild(info);

	const cells = decode(data.matrix ? data.matrix.cells : "");
	function decode(text) {
		const binary = atob(text);
		const bytes = new Uint8Array(binary.length);
		for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
		return bytes;
	}
	const pairIndex = (a, b) =>
		a < b ? a * n - (a * (a + 1)) / 2 + (b - a - 1) : b * n - (b * (b + 1)) / 2 + (a - b - 1);
	/** Whether (a, b) is a pair a combination can hold: other groups, or two options of an M-of-N group. */
	function isPair(a, b) {
		if (a === b) return false;
		const ga = options[a].group;
		return ga !== options[b].group || data.groups[ga].strategy === "M-of-N";
	}
	function stateOf(a, b) {
		const i = pairIndex(a, b);
		return ((cells[i >> 2] || 0) >> ((i & 3) * 2)) & 3;
	}
	const conflictAt = new Map();
	const openAt = new Map();
	if (data.matrix) {
		for (const c of data.matrix.conflicts) conflictAt.set(pairIndex(c.a, c.b), c);
		for (const o of data.matrix.open) openAt.set(pairIndex(o.a, o.b), o);
	}
	let pairs = 0;
	for (let g = 0; g < data.groups.length; g++) {
		const size = groupStart[g + 1] - groupStart[g];
		pairs += size * (n - groupStart[g + 1]);
		if (data.groups[g].strategy === "M-of-N") pairs += (size * (size - 1)) / 2;
	}
	canvas.dataset.pairs = String(pairs);

	const cs = Math.max(3, Math.min(26, Math.floor(900 / Math.max(n, 1))));
	const named = cs >= 10;
	const left = named ? 240 : 140;
	const top = named ? 170 : 100;
	spacer.style.width = `${left + n * cs}px`;
	spacer.style.height = `${top + n * cs}px`;
	scroller.style.height = `min(75vh, ${top + n * cs + 24}px)`;
	const css = getComputedStyle(document.documentElement);
	const rgba = (name) => {
		const hex = css.getPropertyValue(name).trim().slice(1);
		const v = parseInt(hex, 16);
		// little-endian RGBA in a Uint32
		return (255 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | (v >> 16);
	};
	const COLOR = [rgba("--untried"), rgba("--ok"), rgba("--conflict"), rgba("--declared")];
	const NONE = 0xfff4f4f4 | 0;
	const WHITE = 0xffffffff | 0;
	const LINE = 0xff8a8f98 | 0;
	let target = -1;
	let picked = null;

	function draw() {
		const dpr = window.devicePixelRatio || 1;
		const w = scroller.clientWidth;
		const h = scroller.clientHeight;
		const sx = scroller.scrollLeft;
		const sy = scroller.scrollTop;
		canvas.style.transform = `translate(${sx}px, ${sy}px)`;
		canvas.style.width = `${w}px`;
		canvas.style.height = `${h}px`;
		canvas.width = Math.max(1, Math.round(w * dpr));
		canvas.height = Math.max(1, Math.round(h * dpr));
		const ctx = canvas.getContext("2d");
		const dw = canvas.width;
		const dh = canvas.height;
		const image = ctx.createImageData(dw, dh);
		const px = new Uint32Array(image.data.buffer);
		px.fill(WHITE);
		const c0 = Math.max(0, Math.floor(sx / cs));
		const c1 = Math.min(n, Math.ceil((sx + w - left) / cs));
		const r0 = Math.max(0, Math.floor(sy / cs));
		const r1 = Math.min(n, Math.ceil((sy + h - top) / cs));
		const gap = cs >= 6 ? 1 : 0;
		const line = new Uint32Array(dw);
		const x0 = Math.round(left * dpr);
		const y0 = Math.round(top * dpr);
		for (let r = r0; r < r1; r++) {
			line.fill(WHITE);
			for (let c = c0; c < c1; c++) {
				const color = isPair(r, c) ? COLOR[stateOf(r, c)] : NONE;
				const from = Math.max(x0, Math.round((left + c * cs - sx) * dpr));
				const to = Math.min(dw, Math.round((left + (c + 1) * cs - sx - gap) * dpr));
				if (to > from) line.fill(color, from, to);
				if (options[c].option === 0 && c > 0 && from - 1 >= x0) line[from - 1] = LINE;
			}
			const ya = Math.max(y0, Math.round((top + r * cs - sy) * dpr));
			const yb = Math.min(dh, Math.round((top + (r + 1) * cs - sy - gap) * dpr));
			for (let y = ya; y < yb; y++) px.set(line, y * dw);
			const xEnd = Math.min(dw, Math.round((left + n * cs - sx) * dpr));
			if (options[r].option === 0 && r > 0 && ya - 1 >= y0 && xEnd > x0)
				px.fill(LINE, (ya - 1) * dw + x0, (ya - 1) * dw + xEnd);
		}
		ctx.putImageData(image, 0, 0);
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		// the selection's own pairs, the picked cell and the searched option framed
		const frame = (r, c, color, width) => {
			ctx.strokeStyle = color;
			ctx.lineWidth = width;
			ctx.strokeRect(left + c * cs - sx + 0.5, top + r * cs - sy + 0.5, cs - 1, cs - 1);
		};
		ctx.save();
		ctx.beginPath();
		ctx.rect(left, top, w - left, h - top);
		ctx.clip();
		const chosen = [];
		for (let i = 0; i < n; i++) if (options[i].selected) chosen.push(i);
		for (const r of chosen)
			for (const c of chosen) if (r >= r0 && r < r1 && c >= c0 && c < c1 && isPair(r, c)) frame(r, c, "#1f5fd1", 2);
		if (target >= 0) {
			ctx.fillStyle = "rgba(255, 214, 0, 0.28)";
			ctx.fillRect(left, top + target * cs - sy, w, cs);
			ctx.fillRect(left + target * cs - sx, top, cs, h);
		}
		if (picked) frame(picked[0], picked[1], "#000", 2);
		ctx.restore();
		labels(ctx, w, h, sx, sy, r0, r1, c0, c1);
	}

	function labels(ctx, w, h, sx, sy, r0, r1, c0, c1) {
		ctx.fillStyle = "#fff";
		ctx.fillRect(0, 0, w, top);
		ctx.fillRect(0, 0, left, h);
		ctx.textBaseline = "middle";
		const font = (size, weight) => (ctx.font = `${weight || ""} ${size}px system-ui, sans-serif`);
		const groupWidth = named ? 110 : left - 8;
		// group names: a band per group along each axis
		for (let g = 0; g < data.groups.length; g++) {
			const a = groupStart[g];
			const b = groupStart[g + 1];
			if (b <= r0 || a >= r1) continue;
			const y = Math.max(top, top + a * cs - sy);
			const yEnd = Math.min(h, top + b * cs - sy);
			ctx.fillStyle = g % 2 ? "#eef1f5" : "#f7f8fa";
			ctx.fillRect(0, y, groupWidth, yEnd - y);
			ctx.fillStyle = "#1d2127";
			font(12, "600");
			if (yEnd - y >= 10) text(data.groups[g].name, 4, (y + yEnd) / 2, groupWidth - 8);
		}
		for (let g = 0; g < data.groups.length; g++) {
			const a = groupStart[g];
			const b = groupStart[g + 1];
			if (b <= c0 || a >= c1) continue;
			const x = Math.max(left, left + a * cs - sx);
			const xEnd = Math.min(w, left + b * cs - sx);
			ctx.fillStyle = g % 2 ? "#eef1f5" : "#f7f8fa";
			ctx.fillRect(x, 0, xEnd - x, 22);
			ctx.fillStyle = "#1d2127";
			font(12, "600");
			if (xEnd - x >= 16) text(data.groups[g].name, x + 3, 11, xEnd - x - 6);
		}
		if (!named && target < 0) return;
		font(Math.min(12, cs - 1));
		for (let r = r0; r < r1; r++) {
			if (!named && r !== target) continue;
			styleOf(r);
			text(labelOf(r), groupWidth + 4, top + r * cs - sy + cs / 2, left - groupWidth - 8);
		}
		for (let c = c0; c < c1; c++) {
			if (!named && c !== target) continue;
			ctx.save();
			ctx.translate(left + c * cs - sx + cs / 2, top - 4);
			ctx.rotate(-Math.PI / 2);
			styleOf(c);
			text(labelOf(c), 0, 0, top - 30);
			ctx.restore();
		}
		function styleOf(i) {
			ctx.fillStyle = options[i].selected ? "#1f5fd1" : failsAlone.has(i) ? "#d43d3d" : "#1d2127";
		}
		function labelOf(i) {
			const name = data.groups[options[i].group].options[options[i].option].name;
			return `${options[i].selected ? "\u2605 " : ""}${failsAlone.has(i) ? "! " : ""}${name}`;
		}
		function text(value, x, y, max) {
			let shown = value;
			while (shown.length > 1 && ctx.measureText(shown).width > max) shown = shown.slice(0, -2) + "\u2026";
			ctx.fillText(shown, x, y);
		}
	}

	let pending = false;
	const redraw = () => {
		if (pending) return;
		pending = true;
		requestAnimationFrame(() => {
			pending = false;
			draw();
		});
	};
	scroller.addEventListener("scroll", redraw, { passive: true });
	window.addEventListener("resize", redraw);

	/** The option (row, column) under a point of the canvas, or undefined outside the cells. */
	function cellAt(clientX, clientY) {
		const box = canvas.getBoundingClientRect();
		const x = clientX - box.left;
		const y = clientY - box.top;
		if (x < left || y < top) return undefined;
		const c = Math.floor((x - left + scroller.scrollLeft) / cs);
		const r = Math.floor((y - top + scroller.scrollTop) / cs);
		return r >= 0 && r < n && c >= 0 && c < n ? [r, c] : undefined;
	}
	canvas.addEventListener("click", (event) => {
		const cell = cellAt(event.clientX, event.clientY);
		if (!cell) return;
		picked = cell;
		describe(cell[0], cell[1]);
		redraw();
	});

	function describe(a, b) {
		info.textContent = "";
		const title = `${options[a].label}  \u00d7  ${options[b].label}`;
		info.appendChild(el("strong", "", title));
		if (!isPair(a, b)) {
			info.appendChild(el("p", "", "not a pair: a 1-of-N group holds one option at a time"));
			info.dataset.status = "none";
			return;
		}
		const state = stateOf(a, b);
		const status = ["untried", "ok", "conflict", "declared"][state];
		info.dataset.status = status;
		const conflict = conflictAt.get(pairIndex(a, b));
		if (state === CELL.ok) info.appendChild(el("p", "", "proven to go together: a combination holding both resolved"));
		else if (conflict) {
			info.appendChild(
				el(
					"p",
					"bad",
					state === CELL.declared
						? "conflict declared by a registry rule"
						: "conflict: uv cannot resolve these two together",
				),
			);
			info.appendChild(el("p", "reason", conflict.reason));
			if (conflict.explanation) {
				info.appendChild(el("div", "sub", "uv's explanation:"));
				info.appendChild(el("pre", "explanation", conflict.explanation));
			}
		} else {
			const open = openAt.get(pairIndex(a, b));
			const why = failsAlone.has(a)
				? `${options[a].label} fails with the project alone`
				: failsAlone.has(b)
					? `${options[b].label} fails with the project alone`
					: open
						? data.matrix.reasons[open.reason]
						: data.matrix
							? "no combination in this report proved it either way"
							: "nothing was checked: no matrix in this report";
			info.appendChild(el("p", "reason", `untried: ${why}`));
		}
	}

	/** Scrolls the view so that option `a`'s row and `b`'s column are in sight; their cell's centre in client coordinates. */
	function locate(a, b) {
		scroller.scrollLeft = Math.max(0, b * cs - (scroller.clientWidth - left) / 2);
		scroller.scrollTop = Math.max(0, a * cs - (scroller.clientHeight - top) / 2);
		scroller.scrollIntoView({ block: "nearest" });
		draw();
		const box = canvas.getBoundingClientRect();
		return {
			x: box.left + left + b * cs - scroller.scrollLeft + cs / 2,
			y: box.top + top + a * cs - scroller.scrollTop + cs / 2,
		};
	}

	// ---------- search ----------
	const lower = (s) => String(s).toLowerCase();
	function runSearch() {
		const query = lower(search.value.trim());
		hitList.textContent = "";
		target = -1;
		let count = 0;
		data.groups.forEach((group, g) => {
			let any = false;
			const groupHit = query !== "" && lower(group.name).includes(query);
			group.options.forEach((option, o) => {
				const i = groupStart[g] + o;
				const hit = query !== "" && (lower(option.name).includes(query) || lower(option.description).includes(query));
				rowOf[i].classList.toggle("found", hit);
				rowOf[i].classList.toggle("hidden", query !== "" && !hit && !groupHit);
				if (hit) {
					any = true;
					if (count++ < 40) {
						const button = el("button", "", options[i].label);
						button.addEventListener("click", () => focus(i));
						hitList.appendChild(button);
					}
				}
			});
			groupNodes[g].classList.toggle("hidden", query !== "" && !any && !groupHit);
			if (query !== "" && (any || groupHit)) groupNodes[g].open = true;
		});
		hits.textContent =
			query === "" ? "" : `${count} option${count === 1 ? "" : "s"} found${count > 40 ? " (the first 40 below)" : ""}`;
		redraw();
	}
	function focus(i) {
		target = i;
		groupNodes[options[i].group].open = true;
		rowOf[i].scrollIntoView({ block: "center" });
		locate(i, i);
	}
	search.addEventListener("input", runSearch);

	// ---------- combinations ----------
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
		compat.appendChild(el("h3", "", "Choices that fail alone, or only three or more together"));
		compat.appendChild(sets);
	}

	document.body.appendChild(header);
	document.body.appendChild(toolbar);
	toolbar.after(hitList);
	document.body.appendChild(graph);
	document.body.appendChild(compat);
	document.body.appendChild(runs);
	draw();
	performance.mark("hpm-report-drawn");
	document.body.dataset.drawn = "true";
	// for tests and tools: where a pair's cell is, by `group=option` labels
	const byLabel = new Map(options.map((o, i) => [lower(o.label), i]));
	window.hpmReport = Object.freeze({
		locate: (a, b) => locate(byLabel.get(lower(a)), byLabel.get(lower(b))),
	});
})();
