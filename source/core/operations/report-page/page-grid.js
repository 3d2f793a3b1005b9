// hpm report's page, part 2 of 3: the compatibility view, one canvas that draws only the cells
// in sight (two bits per pair, decoded once), with what a clicked cell is.
/* global el, legendOf */
/* exported compatibilityOf */

/** The compatibility view of `report`: its section, and how to show a pair or mark an option. */
function compatibilityOf(report) {
	const { data, options, groupStart, failsAlone, n } = report;
	const CELL = { untried: 0, ok: 1, conflict: 2, declared: 3 };
	const compat = el("section", "", undefined, [el("h2", "", "Compatibility")]);
	const scroller = el("div", "scroller");
	const spacer = el("div");
	const canvas = el("canvas");
	spacer.appendChild(canvas);
	scroller.appendChild(spacer);
	const info = el("div", "cell-info", "Click a cell: the pair, what is known of it, and uv's explanation.");
	compat.appendChild(legendOf());
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

	return {
		section: compat,
		draw,
		locate,
		setTarget: (i) => {
			target = i;
			redraw();
		},
	};
}
