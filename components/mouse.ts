import type { DOMElement } from "ink";
import { type RefObject, useEffect, useLayoutEffect, useRef } from "react";

/** Asks the terminal for button presses and the wheel (1000), reported in SGR form (1006). */
export const MOUSE_ON = "\u001B[?1000h\u001B[?1006h";
export const MOUSE_OFF = "\u001B[?1006l\u001B[?1000l";

/** A mouse event, at a cell of the screen counted from 0 (column x, row y). */
export type MouseEvent =
	| { readonly kind: "press"; readonly button: "left" | "middle" | "right"; readonly x: number; readonly y: number }
	| { readonly kind: "release"; readonly x: number; readonly y: number }
	| { readonly kind: "wheel"; readonly delta: -1 | 1; readonly x: number; readonly y: number };

// what Ink hands a key handler for an SGR report: `ESC [ < b ; x ; y M|m`, its ESC already removed
const SGR = /^\u001B?\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])$/;

/** The mouse event an input is, or undefined for a key. Motion and unknown buttons are `release`-less noise: dropped. */
export function parseMouse(input: string): MouseEvent | "ignored" | undefined {
	const match = SGR.exec(input);
	if (!match) return undefined;
	const code = Number(match[1]);
	const x = Number(match[2]) - 1;
	const y = Number(match[3]) - 1;
	if (x < 0 || y < 0) return "ignored";
	// bits 2-4 are Shift, Meta, Ctrl; 32 is motion; 64 the wheel
	if (code & 32) return "ignored";
	const button = code & 0b11;
	if (code & 64)
		return button === 0
			? { kind: "wheel", delta: -1, x, y }
			: button === 1
				? { kind: "wheel", delta: 1, x, y }
				: "ignored";
	if (match[4] === "m") return { kind: "release", x, y };
	return { kind: "press", button: button === 0 ? "left" : button === 1 ? "middle" : "right", x, y };
}

/** A box's place on the screen, from Ink's layout (each node's offset within its parent, summed). */
export function screenBox(node: DOMElement): { x: number; y: number; width: number; height: number } | undefined {
	const own = node.yogaNode;
	if (!own) return undefined;
	let x = 0;
	let y = 0;
	for (let current: DOMElement | undefined = node; current; current = current.parentNode) {
		if (!current.yogaNode) continue;
		x += current.yogaNode.getComputedLeft();
		y += current.yogaNode.getComputedTop();
	}
	return { x, y, width: own.getComputedWidth(), height: own.getComputedHeight() };
}

/** Handles an event inside its box (`at` is the event's cell within the box); true when it acted. */
export type MouseHandler = (event: MouseEvent, at: { readonly x: number; readonly y: number }) => boolean;

type Region = { readonly ref: RefObject<DOMElement | null>; readonly handler: { current: MouseHandler } };

/** The boxes that take the mouse, on the one UI a process runs. */
const regions = new Set<Region>();

/** Makes the box at `ref` take mouse events that land in it (the innermost box first). */
export function useMouseRegion(ref: RefObject<DOMElement | null>, handle: MouseHandler): void {
	const handler = useRef(handle);
	// the newest handler, set when React commits the render that made it (as useKeys does)
	useLayoutEffect(() => {
		handler.current = handle;
	});
	useEffect(() => {
		const region = { ref, handler };
		regions.add(region);
		return () => {
			regions.delete(region);
		};
	}, [ref]);
}

/**
 * Gives `event` to the boxes under it, smallest first, until one acts. A hidden box (the screen
 * under the help) has no size, so it takes nothing.
 */
export function dispatchMouse(event: MouseEvent): boolean {
	const hits = [...regions]
		.flatMap((region) => {
			const node = region.ref.current;
			const box = node ? screenBox(node) : undefined;
			if (!box || box.width === 0 || box.height === 0) return [];
			const inside =
				event.x >= box.x && event.x < box.x + box.width && event.y >= box.y && event.y < box.y + box.height;
			return inside ? [{ region, box }] : [];
		})
		.sort((a, b) => a.box.width * a.box.height - b.box.width * b.box.height);
	for (const { region, box } of hits) {
		if (region.handler.current(event, { x: event.x - box.x, y: event.y - box.y })) return true;
	}
	return false;
}

/** Which child of `node` the row `y` (within `node`) falls on, by the children's laid-out rows. */
export function childAtRow(node: DOMElement | null, y: number): number | undefined {
	if (!node) return undefined;
	for (const [index, child] of node.childNodes.entries()) {
		if (child.nodeName === "#text") continue;
		const yoga = child.yogaNode;
		if (!yoga) continue;
		const top = yoga.getComputedTop();
		if (y >= top && y < top + yoga.getComputedHeight()) return index;
	}
	return undefined;
}
