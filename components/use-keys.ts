import { type Key, useInput } from "ink";
import { useEffect, useLayoutEffect, useRef } from "react";
import { dispatchMouse, parseMouse } from "./mouse.js";
import { type KeyPress, splitKeys } from "./split-keys.js";

/**
 * Keys that arrived in one chunk after a key that changed the screen: they belong to the screen
 * that key opened, which takes them when it becomes active. One UI runs per process.
 */
let pending: KeyPress[] = [];

/** The start of an SGR mouse report whose rest has not arrived yet. */
let partialMouse: string | undefined;
// `ESC[<`, then digits and semicolons, without the final M or m
const MOUSE_START = /^\u001B?\[<[\d;]{0,16}$/;

/**
 * What a handler says after a key: `moved` when the key opened or closed a screen (the keys after
 * it go there), `covered` when it put something over this screen that takes no typed-ahead keys
 * (the help: the rest of the burst is dropped, never applied later).
 */
export type KeyOutcome = "moved" | "covered" | undefined;

/**
 * The one way a screen receives keys: one at a time and in order, each acting on the state the
 * previous one left (handlers read their newest state). When a key moves to another screen, the
 * rest of its chunk waits for that screen (`c` + Enter typed at once runs the check; it does not
 * pick an option on the screen being left).
 */
export function useKeys(handle: (input: string, key: Partial<Key>) => KeyOutcome, active: boolean): void {
	const handler = useRef(handle);
	// the newest handler, set as soon as React commits the render that made it
	useLayoutEffect(() => {
		handler.current = handle;
	});
	// after a key that moved, this screen is on its way out: what still arrives (Ink hands an
	// escape sequence and the text after it as separate events) waits for the next screen
	const moved = useRef<KeyOutcome>(undefined);
	const run = (presses: readonly KeyPress[]) => {
		for (let index = 0; index < presses.length; index++) {
			const press = presses[index];
			if (!press) continue;
			if (moved.current === "covered") return;
			if (moved.current === "moved") {
				pending = [...pending, ...presses.slice(index)];
				return;
			}
			moved.current = handler.current(press.input, press.key);
		}
	};
	useInput(
		(input, key) => {
			// a mouse report is never keys (its digits would be typed): it goes to the box under it,
			// unless a key of this screen already moved on (a click is aimed at what is on screen)
			// a report the terminal's bytes brought in pieces (Ink hands over `ESC[<0;` alone when the
			// rest is late) is put together again: its pieces are never keys
			const whole = partialMouse === undefined ? input : partialMouse + input;
			const mouse = parseMouse(whole);
			if (mouse !== undefined) {
				partialMouse = undefined;
				if (mouse !== "ignored" && moved.current === undefined) dispatchMouse(mouse);
				return;
			}
			if (MOUSE_START.test(whole)) {
				partialMouse = whole;
				return;
			}
			if (partialMouse !== undefined) {
				partialMouse = undefined;
				// the rest of a report that never completed: its digits are not typed either
				if (/^[\d;]*[Mm]?$/.test(input)) return;
			}
			run(splitKeys(input, key));
		},
		{ isActive: active },
	);
	useEffect(() => {
		if (!active) return;
		moved.current = undefined;
		if (pending.length === 0) return;
		const waiting = pending;
		pending = [];
		run(waiting);
	}, [active]);
}
