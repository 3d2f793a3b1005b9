/**
 * Intl.Segmenter for the UI bundle (scripts/build.mjs puts it in place of `Intl.Segmenter` in Ink,
 * its ANSI tokenizer, slice-ansi and wrap-ansi). Ink splits every line of every frame into
 * graphemes; ICU's segmenter costs ~9 ms to create and ~0.6 µs a grapheme. Text made only of
 * characters that are each a grapheme of their own (printable ASCII, controls but CR, and the
 * symbols hpm draws with) is split by code unit here, with the same segments; anything else goes
 * to ICU, created when first needed. test/unit/plain-segmenter.test.ts compares both on every
 * character it accepts and on generated text.
 */
// none of these joins a neighbour into one grapheme (no CR, which joins LF; no combining marks,
// joiners, variation selectors, surrogates, Hangul, regional indicators or prepended marks)
const SINGLE =
	/^[\u0000-\u000C\u000E-\u00FF\u2010-\u2027\u2030-\u205E\u2190-\u21FF\u2500-\u259F\u2800-\u28FF\u276F\u2713\u2717]*$/;

/** Whether every code unit of `text` is a grapheme of its own (then it is split here, not by ICU). */
export function splitsByCodeUnit(text: string): boolean {
	return SINGLE.test(text);
}

type Segment = { segment: string; index: number; input: string };

/** Segments of `text`, each one code unit, as Intl's Segments object gives them. */
class CodeUnitSegments implements Iterable<Segment> {
	constructor(private readonly text: string) {}

	containing(index = 0): Segment | undefined {
		// as Intl reads the index: a number, NaN as 0, towards zero
		const at = Math.trunc(Number(index)) || 0;
		return at >= 0 && at < this.text.length ? { segment: this.text[at] ?? "", index: at, input: this.text } : undefined;
	}

	[Symbol.iterator](): Iterator<Segment> {
		const text = this.text;
		let index = 0;
		return {
			next: () =>
				index < text.length
					? { done: false, value: { segment: text[index] ?? "", index: index++, input: text } }
					: { done: true, value: undefined },
		};
	}
}

type Options = { granularity?: "grapheme" | "word" | "sentence"; localeMatcher?: "lookup" | "best fit" };

export class PlainSegmenter {
	private real: Intl.Segmenter | undefined;

	constructor(
		private readonly locales?: string | string[],
		private readonly options?: Options,
	) {}

	segment(text: string): Intl.Segments | CodeUnitSegments {
		if ((this.options?.granularity ?? "grapheme") === "grapheme" && splitsByCodeUnit(text))
			return new CodeUnitSegments(text);
		return this.icu().segment(text);
	}

	resolvedOptions(): Intl.ResolvedSegmenterOptions {
		return this.icu().resolvedOptions();
	}

	private icu(): Intl.Segmenter {
		this.real ??= new globalThis.Intl.Segmenter(this.locales, this.options);
		return this.real;
	}
}
