// hpm report's page, part 3 of 3: reads the JSON in #hpm-data and draws it. Every piece of data
// becomes text through textContent (never markup), no URL is made from data, and nothing is
// fetched: the page's Content-Security-Policy allows this script by its hash and nothing else.
/* global el, headerOf, graphOf, runsOf, compatibilityOf */

const data = JSON.parse(document.getElementById("hpm-data").textContent);
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

const report = { data, options, groupStart, n, failsAlone };
const header = headerOf(report);

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

const { section: graph, rowOf, groupNodes } = graphOf(report);
expandAll.addEventListener("click", () => groupNodes.forEach((d) => (d.open = true)));
collapseAll.addEventListener("click", () => groupNodes.forEach((d) => (d.open = false)));
const compat = compatibilityOf(report);
const runs = runsOf(report);

// ---------- search ----------
const lower = (s) => String(s).toLowerCase();
function runSearch() {
	const query = lower(search.value.trim());
	hitList.textContent = "";
	compat.setTarget(-1);
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
}
function focus(i) {
	compat.setTarget(i);
	groupNodes[options[i].group].open = true;
	rowOf[i].scrollIntoView({ block: "center" });
	compat.locate(i, i);
}
search.addEventListener("input", runSearch);

document.body.appendChild(header);
document.body.appendChild(toolbar);
toolbar.after(hitList);
document.body.appendChild(graph);
document.body.appendChild(compat.section);
document.body.appendChild(runs);
compat.draw();
performance.mark("hpm-report-drawn");
document.body.dataset.drawn = "true";
// for tests and tools: where a pair's cell is, by `group=option` labels
const byLabel = new Map(options.map((o, i) => [lower(o.label), i]));
window.hpmReport = Object.freeze({
	locate: (a, b) => compat.locate(byLabel.get(lower(a)), byLabel.get(lower(b))),
});
